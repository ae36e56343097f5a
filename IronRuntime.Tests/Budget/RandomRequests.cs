namespace IronRuntime.Tests.Budget;

/// <summary>Random requests from the members the runtime knows, each carrying a marker (<c>req-N</c>) in its prompt.</summary>
internal static class RandomRequests
{
    public sealed record Spec(string Path, string Body, string Marker, bool Duplicated, bool Abort);

    private const string Image = """{"type":"image_url","image_url":{"url":"https://example.com/cat.png"}}""";

    public static Spec Next(Random r, int i)
    {
        string marker = "req-" + i;
        string text = $"{marker} " + string.Join(' ', Enumerable.Repeat("please summarise the quarterly figures", r.Next(1, 40)));
        bool stream = r.Next(3) == 0;
        bool abort = stream && r.Next(3) == 0;
        bool duplicate = r.Next(20) == 0;
        var members = new List<string>();
        string path;
        switch (r.Next(7))
        {
            case 0 or 1 or 2:
                path = "/v1/chat/completions";
                string model = r.Next(2) == 0 ? "gpt-4o-mini" : "gpt-5";
                members.Add($"\"model\":\"{model}\"");
                string content = r.Next(5) == 0 ? $"[{{\"type\":\"text\",\"text\":\"{text}\"}},{Image}]" : $"\"{text}\"";
                members.Add($"\"messages\":[{{\"role\":\"user\",\"content\":{content}}}]");
                string alias = r.Next(2) == 0 ? "max_tokens" : "max_completion_tokens";
                AddLimit(r, members, alias, duplicate);
                if (r.Next(3) == 0)
                {
                    // Both aliases: the runtime reserves the larger, whichever the provider honours.
                    members.Add($"\"{(alias == "max_tokens" ? "max_completion_tokens" : "max_tokens")}\":{r.Next(1, 400)}");
                }

                if (r.Next(3) == 0)
                {
                    members.Add($"\"n\":{r.Next(1, 5)}");
                }

                AddTier(r, members, model);
                if (stream)
                {
                    members.Add("\"stream\":true");
                }

                break;
            case 3:
                path = "/v1/responses";
                members.Add("\"model\":\"gpt-5\"");
                members.Add($"\"input\":\"{text}\"");
                AddLimit(r, members, "max_output_tokens", duplicate);
                AddTier(r, members, "gpt-5");
                if (stream)
                {
                    members.Add("\"stream\":true");
                }

                break;
            case 4 or 5:
                path = "/v1/messages";
                members.Add("\"model\":\"claude-sonnet-4-5\"");
                string cache = r.Next(3) switch
                {
                    0 => string.Empty,
                    1 => ",\"cache_control\":{\"type\":\"ephemeral\"}",
                    _ => ",\"cache_control\":{\"type\":\"ephemeral\",\"ttl\":\"1h\"}",
                };
                members.Add($"\"messages\":[{{\"role\":\"user\",\"content\":[{{\"type\":\"text\",\"text\":\"{text}\"{cache}}}]}}]");
                AddLimit(r, members, "max_tokens", duplicate, required: true);
                if (r.Next(4) == 0)
                {
                    members.Add($"\"thinking\":{{\"type\":\"enabled\",\"budget_tokens\":{r.Next(1024, 1500)}}}");
                }

                if (r.Next(4) == 0)
                {
                    string maxUses = r.Next(4) == 0 ? string.Empty : $",\"max_uses\":{r.Next(1, 4)}";
                    members.Add($"\"tools\":[{{\"type\":\"web_search_20250305\",\"name\":\"web_search\"{maxUses}}}]");
                }

                if (stream)
                {
                    members.Add("\"stream\":true");
                }

                break;
            default:
                path = "/v1/embeddings";
                members.Add("\"model\":\"text-embedding-3-small\"");
                members.Add($"\"input\":[\"{text}\",\"{marker} again\"]");
                if (duplicate)
                {
                    members.Add("\"input\":\"x\"");
                }

                stream = abort = false;
                break;
        }

        Shuffle(r, members);
        return new Spec(path, "{" + string.Join(',', members) + "}", marker, duplicate, abort);
    }

    private static void AddLimit(Random r, List<string> members, string name, bool duplicate, bool required = false)
    {
        if (!required && !duplicate && r.Next(5) == 0)
        {
            return; // no limit: the runtime imposes one
        }

        members.Add($"\"{name}\":{r.Next(1, 400)}");
        if (duplicate)
        {
            members.Add($"\"{name}\":{r.Next(1000, 4000)}");
        }
    }

    private static void AddTier(Random r, List<string> members, string model)
    {
        switch (r.Next(5))
        {
            case 0: members.Add("\"service_tier\":\"priority\""); break;
            case 1 when model == "gpt-5": members.Add("\"service_tier\":\"flex\""); break;
            case 2: members.Add("\"service_tier\":\"auto\""); break;
        }
    }

    private static void Shuffle(Random r, List<string> items)
    {
        for (int i = items.Count - 1; i > 0; i--)
        {
            int j = r.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
