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

public class LlmRequestReaderStrictTests
{
    private static (bool Ok, string? Error, string? Param, LlmRequestInfo Info) Read(string json, LlmApi api = LlmApi.ChatCompletions)
    {
        bool ok = LlmRequestReader.TryRead(Encoding.UTF8.GetBytes(json), api, out var info, out var error, out var param);
        return (ok, error, param, info);
    }

    [TestCase("""{"model":"m","model":"m"}""", "model")]
    [TestCase("""{"model":"m","messages":[{"role":"user","role":"system","content":"x"}]}""", "role")]
    [TestCase("""{"model":"m","tools":[{"type":"function","function":{"name":"a","name":"b"}}]}""", "name")]
    [TestCase("""{"model":"m","a":{"b":{"c":{"d":1,"d":2}}}}""", "d")]
    [TestCase("""{"model":"m","max_\u0074okens":1,"max_tokens":2}""", "max_tokens")]
    [TestCase("""{"model":"m","stream_options":{"include_usage":true,"include_usage":false}}""", "include_usage")]
    public void TryRead_DuplicatedMemberAnywhere_IsRefusedNamingIt(string json, string member)
    {
        var (ok, error, param, _) = Read(json);
        Assert.Multiple(() =>
        {
            Assert.That(ok, Is.False);
            Assert.That(param, Is.EqualTo(member));
            Assert.That(error, Does.Contain($"'{member}' twice"));
        });
    }

    [TestCase("""{"model":"m","messages":[{"role":"user","content":"a"},{"role":"user","content":"b"}]}""")]
    [TestCase("""{"model":"m","a":{"x":1},"b":{"x":1},"c":[{"x":1},{"x":2}]}""")]
    [TestCase("""{"model":"m","a":{"ab":1,"ba":2,"a":3,"b":4}}""")]
    public void TryRead_SameNameInDifferentObjects_IsAccepted(string json)
        => Assert.That(Read(json).Ok, Is.True, Read(json).Error);

    [Test]
    public void TryRead_LargeObjectWithDistinctNames_IsAcceptedAndItsDuplicateFound()
    {
        string members = string.Join(',', Enumerable.Range(0, 20_000).Select(i => $"\"k{i}\":{i}"));
        Assert.Multiple(() =>
        {
            Assert.That(Read("""{"model":"m","meta":{""" + members + "}}").Ok, Is.True);
            Assert.That(Read("""{"model":"m","meta":{""" + members + ""","k19999":0}}""").Param, Is.EqualTo("k19999"));
        });
    }

    [Test]
    public void TryRead_BothChatLimitAliases_KeepsTheLarger()
        => Assert.That(Read("""{"model":"m","max_tokens":900,"max_completion_tokens":10}""").Info.MaxOutputTokens, Is.EqualTo(900));

    [Test]
    public void TryRead_CostDrivers_AreCollected()
    {
        var chat = Read("""{"model":"m","n":4,"service_tier":"priority","modalities":["text","audio"],"messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"AAAA","format":"wav"}}]}],"prediction":{"type":"content","content":"x"}}""").Info.Billing;
        var messages = Read("""{"model":"m","max_tokens":10,"thinking":{"type":"enabled","budget_tokens":5000},"messages":[{"role":"user","content":[{"type":"text","text":"x","cache_control":{"type":"ephemeral","ttl":"1h"}}]}],"tools":[{"name":"f","input_schema":{}},{"type":"web_search_20250305","name":"web_search","max_uses":3},{"type":"bash_20250124","name":"bash"}]}""", LlmApi.Messages).Info.Billing;
        var responses = Read("""{"model":"m","input":"x","max_tool_calls":2,"tools":[{"type":"web_search","search_context_size":"high"}],"background":true}""", LlmApi.Responses).Info.Billing;
        Assert.Multiple(() =>
        {
            Assert.That((chat.Choices, chat.ServiceTier, chat.RequestsAudioOutput, chat.HasAudioInput), Is.EqualTo((4, "priority", true, true)));
            Assert.That(chat.UnboundedMembers, Is.EqualTo(new[] { "prediction" }));
            Assert.That((messages.ThinkingBudgetTokens, messages.UsesOneHourCache), Is.EqualTo(((long?)5000, true)));
            Assert.That(messages.ServerTools, Is.EqualTo(new[] { new LlmServerTool("web_search_20250305", 3, "tools[1]") }));
            Assert.That(responses.MaxToolCalls, Is.EqualTo(2));
            Assert.That(responses.ServerTools, Is.EqualTo(new[] { new LlmServerTool("web_search", null, "tools[0]", "high") }));
            Assert.That(responses.UnboundedMembers, Is.EqualTo(new[] { "background" }));
        });
    }

    [Test]
    public void TryRead_CodeInterpreterContainer_MemoryLimitAndExistingIdAreRead()
    {
        var billing = Read("""{"model":"m","input":"x","tools":[{"type":"code_interpreter","container":{"type":"auto","file_ids":[],"memory_limit":"64g"}},{"type":"file_search","vector_store_ids":["v"],"filters":{"memory_limit":"4g"}},{"type":"code_interpreter","container":"cntr_abc"},{"type":"code_interpreter","container":{"type":"auto","memory_limit":null}}]}""", LlmApi.Responses).Info.Billing;
        Assert.That(billing.ServerTools, Is.EqualTo(new[]
        {
            new LlmServerTool("code_interpreter", null, "tools[0]") { ContainerMemoryLimit = "64g" },
            new LlmServerTool("file_search", null, "tools[1]"),
            new LlmServerTool("code_interpreter", null, "tools[2]") { UsesExistingContainer = true },
            new LlmServerTool("code_interpreter", null, "tools[3]"),
        }));
    }

    [TestCase("64")]
    [TestCase("{\"gb\":64}")]
    [TestCase("[\"64g\"]")]
    [TestCase("true")]
    public void TryRead_CodeInterpreterMemoryLimitNotAString_IsRefusedNamingIt(string value)
    {
        var read = Read("{\"model\":\"m\",\"input\":\"x\",\"tools\":[{\"type\":\"web_search\"},{\"type\":\"code_interpreter\",\"container\":{\"type\":\"auto\",\"memory_limit\":" + value + "}}]}", LlmApi.Responses);
        Assert.Multiple(() =>
        {
            Assert.That(read.Ok, Is.False);
            Assert.That(read.Param, Is.EqualTo("tools[1].container.memory_limit"));
            Assert.That(read.Error, Does.Contain("must be a string"));
        });
    }

    [TestCase("5m", false)]
    [TestCase("1h", true)]
    [TestCase("60m", true)]
    public void TryRead_CacheTtl_AnythingButFiveMinutesIsTheOneHourRate(string ttl, bool oneHour)
        => Assert.That(Read($$$"""{"model":"m","max_tokens":1,"system":[{"type":"text","text":"x","cache_control":{"type":"ephemeral","ttl":"{{{ttl}}}"}}]}""", LlmApi.Messages).Info.Billing.UsesOneHourCache, Is.EqualTo(oneHour));

    [Test]
    public void TryRead_PlainRequest_SharesTheEmptyBillingFactors()
        => Assert.That(Read("""{"model":"m","messages":[{"role":"user","content":"hi"}],"temperature":0.2}""").Info.Billing, Is.SameAs(LlmBillingFactors.None));
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
