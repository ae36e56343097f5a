using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using IronRuntime.Router;
using Microsoft.ML.Tokenizers;

namespace IronRuntime.Tests.Budget;

/// <summary>
/// A provider's billing written apart from the library: decides each answer's usage from the request as the real
/// APIs may bill it (within the limits the request sets) and prices it from hand-copied list prices (USD per 1M
/// tokens, from the shipped table's source). Nothing here calls IronRuntime's pricing or request reading: OpenAI
/// prompts are counted with tiktoken's encodings directly, by the cookbook's formula (3 per message, 3 priming the
/// reply), images at a random size within the runtime's default per-image bound; Anthropic's at 4 bytes per token.
/// </summary>
internal sealed class IndependentBilling(int seed)
{
    private readonly ConcurrentDictionary<string, decimal> _bills = new();
    private readonly Random _random = new(seed);
    private readonly Lock _lock = new();

    /// <summary>The bill of each answered request, by the marker its prompt carries.</summary>
    public IReadOnlyDictionary<string, decimal> Bills => _bills;

    public TokenUsage Bill(LlmApi api, byte[] body)
    {
        using var doc = JsonDocument.Parse(body);
        var root = doc.RootElement;
        string model = root.GetProperty("model").GetString()!;
        string marker = Marker(body);
        TokenUsage usage;
        lock (_lock)
        {
            long input = api == LlmApi.Messages ? (body.Length + 3) / 4 : OpenAIPromptTokens(root, model, api);
            usage = api switch
            {
                LlmApi.Embeddings => new TokenUsage(input, 0),
                LlmApi.Messages => Anthropic(root, input),
                _ => OpenAI(root, input),
            };
        }

        _bills[marker] = Price(model, Tier(root), usage);
        return usage;
    }

    public static string Marker(ReadOnlySpan<byte> body)
    {
        int at = body.IndexOf("req-"u8);
        int end = at + 4;
        while (end < body.Length && char.IsAsciiDigit((char)body[end]))
        {
            end++;
        }

        return at < 0 ? string.Empty : Encoding.ASCII.GetString(body[at..end]);
    }

    private static readonly Tokenizer O200k = TiktokenTokenizer.CreateForEncoding("o200k_base");
    private static readonly Tokenizer Cl100k = TiktokenTokenizer.CreateForEncoding("cl100k_base");

    private long OpenAIPromptTokens(JsonElement root, string model, LlmApi api)
    {
        var encoding = model.StartsWith("text-embedding", StringComparison.Ordinal) ? Cl100k : O200k;
        long tokens = 0;
        if (api == LlmApi.Embeddings)
        {
            foreach (var input in root.GetProperty("input").EnumerateArray())
            {
                tokens += encoding.CountTokens(input.GetString()!);
            }

            return tokens;
        }

        if (root.TryGetProperty("input", out var text))
        {
            return 3 + 1 + encoding.CountTokens(text.GetString()!) + 3;
        }

        foreach (var message in root.GetProperty("messages").EnumerateArray())
        {
            tokens += 3 + encoding.CountTokens(message.GetProperty("role").GetString()!);
            var content = message.GetProperty("content");
            if (content.ValueKind == JsonValueKind.String)
            {
                tokens += encoding.CountTokens(content.GetString()!);
                continue;
            }

            foreach (var part in content.EnumerateArray())
            {
                tokens += part.GetProperty("type").GetString() == "text"
                    ? encoding.CountTokens(part.GetProperty("text").GetString()!)
                    : _random.Next(85, 1600); // an image: 85 tokens and up, never above the runtime's default bound of 1600
            }
        }

        return tokens + 3;
    }

    private static string? Tier(JsonElement root)
        => root.TryGetProperty("service_tier", out var tier) && tier.ValueKind == JsonValueKind.String ? tier.GetString() : null;

    private static long? Long(JsonElement root, string name)
        => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt64() : null;

    private TokenUsage OpenAI(JsonElement root, long input)
    {
        long limit = Long(root, "max_completion_tokens") ?? Long(root, "max_tokens") ?? Long(root, "max_output_tokens") ?? 0;
        long choices = Long(root, "n") ?? 1;
        long output = 0;
        for (int i = 0; i < choices; i++)
        {
            output += _random.NextInt64(0, Math.Min(limit, 600) + 1); // models mostly stop well before the limit
        }

        long cached = _random.Next(2) == 0 ? input / 4 : 0;
        long reasoning = output / 3;
        return new TokenUsage(input, output, CachedInputTokens: cached, ReasoningTokens: reasoning);
    }

    private TokenUsage Anthropic(JsonElement root, long input)
    {
        long limit = Math.Max(Long(root, "max_tokens") ?? 0,
            root.TryGetProperty("thinking", out var thinking) && thinking.ValueKind == JsonValueKind.Object ? Long(thinking, "budget_tokens") ?? 0 : 0);
        long output = _random.NextInt64(0, Math.Min(limit, 1500) + 1);
        string text = root.GetRawText();
        long cacheWrite = text.Contains("\"cache_control\"", StringComparison.Ordinal) ? input / 2 : 0;
        long oneHour = text.Contains("\"ttl\":\"1h\"", StringComparison.Ordinal) ? cacheWrite : 0;
        long uses = 0, resultTokens = 0;
        if (root.TryGetProperty("tools", out var tools))
        {
            foreach (var tool in tools.EnumerateArray())
            {
                if (tool.TryGetProperty("max_uses", out var max))
                {
                    long used = _random.NextInt64(0, max.GetInt64() + 1);
                    uses += used;
                    resultTokens += used * _random.Next(0, 300); // search results join the prompt
                }
            }
        }

        return new TokenUsage(input + resultTokens, output, CacheCreationInputTokens: cacheWrite, CacheCreationOneHourInputTokens: oneHour, ServerToolUses: uses);
    }

    /// <summary>List prices, USD per 1M tokens: input, output, cached input, 5-minute cache write, 1-hour cache write.</summary>
    private static (decimal In, decimal Out, decimal Cached, decimal Write5m, decimal Write1h) Rates(string model, string? tier) => (model, tier) switch
    {
        ("gpt-4o-mini", "priority") => (0.25m, 1.00m, 0.125m, 0, 0),
        ("gpt-4o-mini", _) => (0.15m, 0.60m, 0.075m, 0, 0),
        ("gpt-5", "priority") => (2.50m, 20m, 0.25m, 0, 0),
        ("gpt-5", "flex") => (0.625m, 5m, 0.0625m, 0, 0),
        ("gpt-5", _) => (1.25m, 10m, 0.125m, 0, 0),
        ("claude-sonnet-4-5", _) => (3m, 15m, 0.30m, 3.75m, 6m),
        ("text-embedding-3-small", _) => (0.02m, 0m, 0.02m, 0, 0),
        _ => throw new InvalidOperationException("no list price for " + model),
    };

    private static decimal Price(string model, string? tier, TokenUsage u)
    {
        var r = Rates(model, tier);
        decimal perToken(decimal perMillion) => perMillion / 1_000_000m;
        long uncached = u.InputTokens - u.CachedInputTokens - u.CacheCreationInputTokens;
        long fiveMinute = u.CacheCreationInputTokens - u.CacheCreationOneHourInputTokens;
        return (uncached * perToken(r.In)) + (u.CachedInputTokens * perToken(r.Cached))
            + (fiveMinute * perToken(r.Write5m)) + (u.CacheCreationOneHourInputTokens * perToken(r.Write1h))
            + (u.OutputTokens * perToken(r.Out)) + (u.ServerToolUses * 0.01m); // Anthropic web search: $10 per 1,000
    }
}
