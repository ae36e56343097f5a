using System.Text;
using IronRuntime.Router;
using IronRuntime.Router.Usage;

namespace IronRuntime.Tests.Usage;

/// <summary>
/// The built-in tool items of a Responses answer's <c>output</c> that are billed per use (the Responses API
/// reference's output item types), counted from whole bodies as the metering reads them.
/// </summary>
public sealed class ResponsesOutputItemsTests
{
    [Test]
    public void CodeInterpreterCallsWithoutAContainer_EachCountAsAContainer()
    {
        IReadOnlyDictionary<string, long>? uses = ToolUses(
            """{"type":"code_interpreter_call","id":"ci_1"}""",
            """{"type":"code_interpreter_call","id":"ci_2","container_id":null}""",
            """{"type":"code_interpreter_call","id":"ci_3","container_id":"cntr_a"}""",
            """{"type":"code_interpreter_call","id":"ci_4","container_id":"cntr_a"}""");

        Assert.That(uses, Is.EquivalentTo(new Dictionary<string, long> { ["code_interpreter"] = 3 }));
    }

    [Test]
    public void ContainerIdsTooLongOrEscaped_AreNotTrusted_EachCallCounts()
    {
        string longId = new('c', 65);
        IReadOnlyDictionary<string, long>? uses = ToolUses(
            "{\"type\":\"code_interpreter_call\",\"container_id\":\"" + longId + "\"}",
            "{\"type\":\"code_interpreter_call\",\"container_id\":\"" + longId + "\"}",
            """{"type":"code_interpreter_call","container_id":"cntr_\u0062"}""",
            """{"type":"code_interpreter_call","container_id":"cntr_\u0062"}""",
            """{"type":"code_interpreter_call","container_id":""}""",
            """{"type":"code_interpreter_call","container_id":""}""");

        Assert.That(uses, Is.EquivalentTo(new Dictionary<string, long> { ["code_interpreter"] = 6 }));
    }

    [Test]
    public void ContainerIdOf64Bytes_IsAContainer()
    {
        string id = new('c', 64);
        IReadOnlyDictionary<string, long>? uses = ToolUses(
            "{\"type\":\"code_interpreter_call\",\"container_id\":\"" + id + "\"}",
            "{\"type\":\"code_interpreter_call\",\"container_id\":\"" + id + "\"}");

        Assert.That(uses, Is.EquivalentTo(new Dictionary<string, long> { ["code_interpreter"] = 1 }));
    }

    [TestCase("""{"type":"image_generation_call","quality":"medium","size":"1024x1024"}""", "image_generation.medium.1024x1024")]
    [TestCase("""{"type":"image_generation_call","size":"1536x1024","quality":"low"}""", "image_generation.low.1536x1024")]
    [TestCase("""{"type":"image_generation_call","quality":"auto","size":"1024x1024"}""", "image_generation")]
    [TestCase("""{"type":"image_generation_call","quality":"high","size":"auto"}""", "image_generation")]
    [TestCase("""{"type":"image_generation_call","quality":"high"}""", "image_generation")]
    [TestCase("""{"type":"image_generation_call","size":"1024x1024"}""", "image_generation")]
    [TestCase("""{"type":"image_generation_call","quality":7,"size":"1024x1024"}""", "image_generation")]
    public void ImageGenerationCall_CountsByQualityAndSize_WhenBothAreKnown(string item, string kind)
    {
        Assert.That(ToolUses(item), Is.EquivalentTo(new Dictionary<string, long> { [kind] = 1 }));
    }

    [Test]
    public void OtherItems_AndTypesThatAreNoString_CountNothing()
    {
        string body = Body(
            """{"type":"message","content":[{"type":"output_text","text":"image_generation_call"}]}""",
            """{"type":"reasoning","summary":[]}""",
            """{"type":"function_call","name":"web_search_call","arguments":"{}"}""",
            """{"type":7,"container_id":"cntr_a"}""",
            """{"type":{"kind":"file_search_call"}}""",
            """{"id":"x"}""");

        bool found = UsageJsonReader.TryRead(Encoding.UTF8.GetBytes(body), LlmApi.Responses, out TokenUsage usage);

        Assert.Multiple(() =>
        {
            Assert.That(found, Is.True);
            Assert.That(usage.ToolUses, Is.Null);
            Assert.That(usage.ServerToolUses, Is.Zero);
            Assert.That(usage, Is.EqualTo(new TokenUsage(10, 5)));
        });
    }

    [Test]
    public void ItemsAfterNonObjectElements_AreStillCounted()
    {
        string body = Body("1", "\"web_search_call\"", "[{\"type\":\"web_search_call\"}]", "null", """{"type":"web_search_call"}""", """{"type":"file_search_call"}""");

        UsageJsonReader.TryRead(Encoding.UTF8.GetBytes(body), LlmApi.Responses, out TokenUsage usage);

        Assert.Multiple(() =>
        {
            Assert.That(usage.ServerToolUses, Is.EqualTo(1));
            Assert.That(usage.ToolUses, Is.EquivalentTo(new Dictionary<string, long> { ["file_search"] = 1 }));
        });
    }

    [Test]
    public void OutputBeforeAndAfterUsage_BothCount_AndMembersAfterTheOutputAreRead()
    {
        const string body = """
            {"output":[{"type":"web_search_call"}],"usage":{"input_tokens":10,"output_tokens":5},"model":"gpt-4.1"}
            """;

        bool found = UsageJsonReader.TryRead(Encoding.UTF8.GetBytes(body), LlmApi.Responses, out TokenUsage usage, out string? model);

        Assert.Multiple(() =>
        {
            Assert.That(found, Is.True);
            Assert.That(usage, Is.EqualTo(new TokenUsage(10, 5, ServerToolUses: 1)));
            Assert.That(model, Is.EqualTo("gpt-4.1"));
        });
    }

    private static IReadOnlyDictionary<string, long>? ToolUses(params string[] items)
    {
        bool found = UsageJsonReader.TryRead(Encoding.UTF8.GetBytes(Body(items)), LlmApi.Responses, out TokenUsage usage);
        Assert.That(found, Is.True);
        return usage.ToolUses;
    }

    private static string Body(params string[] items)
        => "{\"id\":\"resp_1\",\"output\":[" + string.Join(",", items) + "],\"usage\":{\"input_tokens\":10,\"output_tokens\":5}}";
}
