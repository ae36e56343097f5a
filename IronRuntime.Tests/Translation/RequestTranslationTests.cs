using System.Text;
using System.Text.Json;
using IronRuntime.Router.Translation;

namespace IronRuntime.Tests.Translation;

/// <summary>Requests both ways: system prompts, multi-turn, images, tools, tool calls and results, limits.</summary>
public sealed class RequestTranslationTests
{
    private const string ChatWithTools = """
        {"model":"gpt-4o","max_completion_tokens":300,"temperature":1.6,"stop":"END","user":"u-1","stream":true,
         "stream_options":{"include_usage":true},"parallel_tool_calls":false,"tool_choice":"required",
         "messages":[
          {"role":"system","content":"You are terse."},
          {"role":"developer","content":[{"type":"text","text":"Use tools."}]},
          {"role":"user","content":[{"type":"text","text":"What is in this image, and the weather?"},
            {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}},
            {"type":"image_url","image_url":{"url":"https://example.com/cat.jpg"}}]},
          {"role":"assistant","content":null,"tool_calls":[
            {"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},
            {"id":"call_2","type":"function","function":{"name":"get_time","arguments":"{}"}}]},
          {"role":"tool","tool_call_id":"call_1","content":"18 C"},
          {"role":"tool","tool_call_id":"call_2","content":[{"type":"text","text":"12:00"}]},
          {"role":"user","content":"Thanks"}],
         "tools":[{"type":"function","function":{"name":"get_weather","description":"Weather by city","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}},
                  {"type":"function","function":{"name":"get_time"}}]}
        """;

    [Test]
    public void ChatToMessages_FullConversation_MapsEveryPart()
    {
        using var doc = JsonDocument.Parse(ChatToMessagesRequest.Translate(Encoding.UTF8.GetBytes(ChatWithTools), "claude-sonnet-4-5", 4096));
        var root = doc.RootElement;
        var messages = root.GetProperty("messages");
        var user = messages[0].GetProperty("content");
        var assistant = messages[1].GetProperty("content");
        var results = messages[2].GetProperty("content");

        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("model").GetString(), Is.EqualTo("claude-sonnet-4-5"));
            Assert.That(root.GetProperty("max_tokens").GetInt64(), Is.EqualTo(300));
            Assert.That(root.GetProperty("system").GetString(), Is.EqualTo("You are terse.\n\nUse tools."));
            Assert.That(root.GetProperty("temperature").GetDouble(), Is.EqualTo(1.0), "clamped to Anthropic's range");
            Assert.That(root.GetProperty("stop_sequences")[0].GetString(), Is.EqualTo("END"));
            Assert.That(root.GetProperty("stream").GetBoolean(), Is.True);
            Assert.That(root.GetProperty("metadata").GetProperty("user_id").GetString(), Is.EqualTo("u-1"));

            Assert.That(messages.GetArrayLength(), Is.EqualTo(3), "user, assistant, then the tool results and the next user text in one user turn");
            Assert.That(messages.EnumerateArray().Select(m => m.GetProperty("role").GetString()), Is.EqualTo(new[] { "user", "assistant", "user" }));
            Assert.That(user[0].GetProperty("text").GetString(), Does.StartWith("What is in this image"));
            Assert.That(user[1].GetProperty("source").GetRawText(), Is.EqualTo("""{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}"""));
            Assert.That(user[2].GetProperty("source").GetRawText(), Is.EqualTo("""{"type":"url","url":"https://example.com/cat.jpg"}"""));

            Assert.That(assistant[0].GetProperty("type").GetString(), Is.EqualTo("tool_use"));
            Assert.That(assistant[0].GetProperty("id").GetString(), Is.EqualTo("call_1"));
            Assert.That(assistant[0].GetProperty("input").GetRawText(), Is.EqualTo("""{"city":"Paris"}"""));
            Assert.That(assistant[1].GetProperty("name").GetString(), Is.EqualTo("get_time"));

            Assert.That(results[0].GetRawText(), Is.EqualTo("""{"type":"tool_result","tool_use_id":"call_1","content":"18 C"}"""));
            Assert.That(results[1].GetProperty("content").GetString(), Is.EqualTo("12:00"));
            Assert.That(results[2].GetRawText(), Is.EqualTo("""{"type":"text","text":"Thanks"}"""));

            var tools = root.GetProperty("tools");
            Assert.That(tools[0].GetProperty("name").GetString(), Is.EqualTo("get_weather"));
            Assert.That(tools[0].GetProperty("description").GetString(), Is.EqualTo("Weather by city"));
            Assert.That(tools[0].GetProperty("input_schema").GetProperty("required")[0].GetString(), Is.EqualTo("city"));
            Assert.That(tools[1].GetProperty("input_schema").GetRawText(), Is.EqualTo("""{"type":"object"}"""));
            Assert.That(root.GetProperty("tool_choice").GetRawText(), Is.EqualTo("""{"type":"any","disable_parallel_tool_use":true}"""));
        });
    }

    [Test]
    public void ChatToMessages_NoOutputLimit_UsesTheDefault()
    {
        using var doc = JsonDocument.Parse(ChatToMessagesRequest.Translate("""{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}"""u8, "claude-haiku-4-5", 8192));

        Assert.Multiple(() =>
        {
            Assert.That(doc.RootElement.GetProperty("max_tokens").GetInt64(), Is.EqualTo(8192));
            Assert.That(doc.RootElement.TryGetProperty("system", out _), Is.False);
            Assert.That(doc.RootElement.GetProperty("messages")[0].GetProperty("content")[0].GetProperty("text").GetString(), Is.EqualTo("hi"));
        });
    }

    [TestCase("\"auto\"", """{"type":"auto"}""")]
    [TestCase("\"none\"", """{"type":"none"}""")]
    [TestCase("""{"type":"function","function":{"name":"f"}}""", """{"type":"tool","name":"f"}""")]
    public void ChatToMessages_ToolChoice_Maps(string choice, string expected)
    {
        string body = "{\"model\":\"m\",\"messages\":[],\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}],\"tool_choice\":" + choice + "}";
        using var doc = JsonDocument.Parse(ChatToMessagesRequest.Translate(Encoding.UTF8.GetBytes(body), "claude-sonnet-4-5", 10));

        Assert.That(doc.RootElement.GetProperty("tool_choice").GetRawText(), Is.EqualTo(expected));
    }

    [Test]
    public void MessagesToChat_FullConversation_MapsEveryPart()
    {
        const string body = """
            {"model":"claude-sonnet-4-5","max_tokens":500,"stream":true,"stop_sequences":["END"],"temperature":0.3,
             "system":[{"type":"text","text":"You are terse."},{"type":"text","text":" Use tools."}],
             "metadata":{"user_id":"u-1"},
             "tool_choice":{"type":"any","disable_parallel_tool_use":true},
             "tools":[{"name":"get_weather","description":"Weather by city","input_schema":{"type":"object","properties":{"city":{"type":"string"}}}},
                      {"type":"web_search_20250305","name":"web_search"}],
             "messages":[
              {"role":"user","content":[{"type":"text","text":"Weather here?"},{"type":"image","source":{"type":"base64","media_type":"image/jpeg","data":"/9j/4AAQ"}},
                {"type":"image","source":{"type":"url","url":"https://example.com/a.png"}}]},
              {"role":"assistant","content":[{"type":"text","text":"Checking."},{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}}]},
              {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":[{"type":"text","text":"18 C"}]},{"type":"text","text":"Thanks"}]},
              {"role":"assistant","content":"You're welcome."}]}
            """;

        using var doc = JsonDocument.Parse(MessagesToChatRequest.Translate(Encoding.UTF8.GetBytes(body), "gpt-4o"));
        var root = doc.RootElement;
        var messages = root.GetProperty("messages");

        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("model").GetString(), Is.EqualTo("gpt-4o"));
            Assert.That(root.GetProperty("max_completion_tokens").GetInt64(), Is.EqualTo(500));
            Assert.That(root.GetProperty("stream_options").GetRawText(), Is.EqualTo("""{"include_usage":true}"""), "the stream must carry usage to be metered");
            Assert.That(root.GetProperty("stop")[0].GetString(), Is.EqualTo("END"));
            Assert.That(root.GetProperty("user").GetString(), Is.EqualTo("u-1"));
            Assert.That(root.GetProperty("tool_choice").GetString(), Is.EqualTo("required"));
            Assert.That(root.GetProperty("parallel_tool_calls").GetBoolean(), Is.False);
            Assert.That(root.GetProperty("tools").GetArrayLength(), Is.EqualTo(1), "a server tool has no OpenAI equivalent");
            Assert.That(root.GetProperty("tools")[0].GetProperty("function").GetProperty("parameters").GetProperty("type").GetString(), Is.EqualTo("object"));

            Assert.That(messages.EnumerateArray().Select(m => m.GetProperty("role").GetString()),
                Is.EqualTo(new[] { "system", "user", "assistant", "tool", "user", "assistant" }));
            Assert.That(messages[0].GetProperty("content").GetString(), Is.EqualTo("You are terse. Use tools."));
            Assert.That(messages[1].GetProperty("content")[1].GetProperty("image_url").GetProperty("url").GetString(), Is.EqualTo("data:image/jpeg;base64,/9j/4AAQ"));
            Assert.That(messages[1].GetProperty("content")[2].GetProperty("image_url").GetProperty("url").GetString(), Is.EqualTo("https://example.com/a.png"));
            Assert.That(messages[2].GetProperty("content").GetString(), Is.EqualTo("Checking."));
            var call = messages[2].GetProperty("tool_calls")[0];
            Assert.That(call.GetProperty("id").GetString(), Is.EqualTo("toolu_1"));
            Assert.That(call.GetProperty("function").GetProperty("arguments").GetString(), Is.EqualTo("""{"city":"Paris"}"""));
            Assert.That(messages[3].GetRawText(), Is.EqualTo("""{"role":"tool","tool_call_id":"toolu_1","content":"18 C"}"""));
            Assert.That(messages[4].GetProperty("content")[0].GetProperty("text").GetString(), Is.EqualTo("Thanks"));
            Assert.That(messages[5].GetProperty("content").GetString(), Is.EqualTo("You're welcome."));
        });
    }

    [Test]
    public void RoundTrip_ChatToMessagesToChat_KeepsTheConversation()
    {
        byte[] messages = ChatToMessagesRequest.Translate(Encoding.UTF8.GetBytes(ChatWithTools), "claude-sonnet-4-5", 4096);
        using var back = JsonDocument.Parse(MessagesToChatRequest.Translate(messages, "gpt-4o"));
        var turns = back.RootElement.GetProperty("messages");

        Assert.Multiple(() =>
        {
            Assert.That(turns.EnumerateArray().Select(m => m.GetProperty("role").GetString()),
                Is.EqualTo(new[] { "system", "user", "assistant", "tool", "tool", "user" }));
            Assert.That(turns[2].GetProperty("tool_calls")[0].GetProperty("function").GetProperty("arguments").GetString(), Is.EqualTo("""{"city":"Paris"}"""));
            Assert.That(turns[1].GetProperty("content")[1].GetProperty("image_url").GetProperty("url").GetString(), Is.EqualTo("data:image/png;base64,iVBORw0KGgo="));
            Assert.That(back.RootElement.GetProperty("tools")[0].GetProperty("function").GetProperty("name").GetString(), Is.EqualTo("get_weather"));
        });
    }
}
