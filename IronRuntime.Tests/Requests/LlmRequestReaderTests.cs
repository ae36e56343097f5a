using System.Text;
using IronRuntime.Router;
using IronRuntime.Router.Requests;

namespace IronRuntime.Tests.Requests;

public class LlmRequestReaderTests
{
    private static LlmRequestInfo Read(string json, LlmApi api = LlmApi.ChatCompletions)
    {
        Assert.That(LlmRequestReader.TryRead(Encoding.UTF8.GetBytes(json), api, out var info, out var error), Is.True, error);
        return info;
    }

    private static string Error(string json, LlmApi api = LlmApi.ChatCompletions)
    {
        Assert.That(LlmRequestReader.TryRead(Encoding.UTF8.GetBytes(json), api, out _, out var error), Is.False);
        return error!;
    }

    [Test]
    public void TryRead_ChatRequest_ReadsModelStreamAndLimit()
    {
        var info = Read("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"stream":true,"max_completion_tokens":50}""");
        Assert.Multiple(() =>
        {
            Assert.That(info.Model, Is.EqualTo("gpt-4o-mini"));
            Assert.That(info.Stream, Is.True);
            Assert.That(info.IncludeUsage, Is.False);
            Assert.That(info.MaxOutputTokens, Is.EqualTo(50));
        });
    }

    [TestCase(LlmApi.ChatCompletions, "max_tokens")]
    [TestCase(LlmApi.Responses, "max_output_tokens")]
    [TestCase(LlmApi.Messages, "max_tokens")]
    public void TryRead_RouteLimitField_IsRead(LlmApi api, string field)
        => Assert.That(Read($$"""{"model":"m","{{field}}":123}""", api).MaxOutputTokens, Is.EqualTo(123));

    [Test]
    public void TryRead_IncludeUsage_IsRead()
        => Assert.That(Read("""{"model":"m","stream":true,"stream_options":{"include_usage":true}}""").IncludeUsage, Is.True);

    [Test]
    public void TryRead_ImageAndFileParts_AreCounted()
    {
        var info = Read("""{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"type"},{"type":"image_url","image_url":{"url":"https://x/y.png"}},{"type":"file","file":{"file_id":"f"}}]}]}""");
        Assert.That((info.ImageParts, info.FileParts), Is.EqualTo((1, 1)));
    }

    [TestCase("not json", "parse")]
    [TestCase("[1,2]", "JSON object")]
    [TestCase("""{"messages":[]}""", "model")]
    [TestCase("""{"model":42}""", "model")]
    [TestCase("""{"model":""}""", "model")]
    [TestCase("""{"model":"m","max_tokens":-5}""", "positive integer")]
    [TestCase("""{"model":"m","max_tokens":0}""", "positive integer")]
    [TestCase("""{"model":"m","max_tokens":1.5}""", "positive integer")]
    [TestCase("""{"model":"m","max_tokens":99999999999}""", "positive integer")]
    [TestCase("""{"model":"m","stream":"yes"}""", "boolean")]
    [TestCase("""{"model":"m",""", "")]
    public void TryRead_BadBody_FailsWithClearError(string json, string expected)
        => Assert.That(Error(json), Does.Contain(expected).IgnoreCase);
}

public class LlmRequestEditorTests
{
    private static string Edit(string json, string model, LlmApi api, bool injectUsage, long? imposed)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        Assert.That(LlmRequestReader.TryRead(bytes, api, out var info, out var error), Is.True, error);
        return Encoding.UTF8.GetString(LlmRequestEditor.Apply(bytes, info, model, api, injectUsage, imposed).Span);
    }

    [Test]
    public void Apply_NothingToChange_ReturnsSameBytes()
    {
        var bytes = Encoding.UTF8.GetBytes("""{ "model" : "gpt-4o", "messages": [] }""");
        LlmRequestReader.TryRead(bytes, LlmApi.ChatCompletions, out var info, out _);
        var result = LlmRequestEditor.Apply(bytes, info, "gpt-4o", LlmApi.ChatCompletions, false, null);
        Assert.That(result.ToArray(), Is.EqualTo(bytes));
    }

    [Test]
    public void Apply_PrefixedModel_ReplacesOnlyTheModelToken()
        => Assert.That(Edit("""{ "model" : "openai/gpt-4o", "messages": [] }""", "gpt-4o", LlmApi.ChatCompletions, false, null),
            Is.EqualTo("""{ "model" : "gpt-4o", "messages": [] }"""));

    [TestCase("""{"model":"m","stream":true}""", """{"model":"m","stream":true,"stream_options":{"include_usage":true}}""")]
    [TestCase("""{"model":"m","stream":true,"stream_options":{}}""", """{"model":"m","stream":true,"stream_options":{"include_usage":true}}""")]
    [TestCase("""{"model":"m","stream":true,"stream_options":{"include_obfuscation":false}}""", """{"model":"m","stream":true,"stream_options":{"include_obfuscation":false,"include_usage":true}}""")]
    [TestCase("""{"model":"m","stream":true,"stream_options":{"include_usage":false}}""", """{"model":"m","stream":true,"stream_options":{"include_usage":true}}""")]
    [TestCase("""{"model":"m","stream":true,"stream_options":null}""", """{"model":"m","stream":true,"stream_options":{"include_usage":true}}""")]
    public void Apply_InjectUsage_AsksForStreamedUsage(string input, string expected)
        => Assert.That(Edit(input, "m", LlmApi.ChatCompletions, true, null), Is.EqualTo(expected));

    [TestCase(LlmApi.ChatCompletions, "max_completion_tokens")]
    [TestCase(LlmApi.Responses, "max_output_tokens")]
    public void Apply_ImposedLimit_AddsRouteField(LlmApi api, string field)
        => Assert.That(Edit("""{"model":"m"}""", "m", api, false, 321), Is.EqualTo($$"""{"model":"m","{{field}}":321}"""));

    [Test]
    public void Apply_AllEdits_ProduceValidJson()
    {
        string result = Edit("""{"stream":true,"model":"openai/gpt-4o"}""", "gpt-4o", LlmApi.ChatCompletions, true, 77);
        using var doc = System.Text.Json.JsonDocument.Parse(result);
        Assert.Multiple(() =>
        {
            Assert.That(doc.RootElement.GetProperty("model").GetString(), Is.EqualTo("gpt-4o"));
            Assert.That(doc.RootElement.GetProperty("stream_options").GetProperty("include_usage").GetBoolean(), Is.True);
            Assert.That(doc.RootElement.GetProperty("max_completion_tokens").GetInt32(), Is.EqualTo(77));
        });
    }
}
