using System.Text;
using IronRuntime.Router;
using IronRuntime.Router.Requests;

namespace IronRuntime.Tests.Requests;

/// <summary>
/// The tokenized prompt bound against counts OpenAI published: the cookbook "How to count tokens with tiktoken"
/// (section 6: 129 prompt tokens for gpt-4 and gpt-3.5-turbo, 124 for gpt-4o and gpt-4o-mini, as counted by the API;
/// section 7, with one weather tool: 105 and 101).
/// </summary>
public sealed class PromptTokenCounterTests
{
    private const string CookbookMessages = """
        [
          {"role": "system", "content": "You are a helpful, pattern-following assistant that translates corporate jargon into plain English."},
          {"role": "system", "name": "example_user", "content": "New synergies will help drive top-line growth."},
          {"role": "system", "name": "example_assistant", "content": "Things working well together will increase revenue."},
          {"role": "system", "name": "example_user", "content": "Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage."},
          {"role": "system", "name": "example_assistant", "content": "Let's talk later when we're less busy about how to do better."},
          {"role": "user", "content": "This late pivot means we don't have time to boil the ocean for the client deliverable."}
        ]
        """;

    private const string WeatherTools = """
        [{"type": "function", "function": {"name": "get_current_weather", "description": "Get the current weather in a given location",
          "parameters": {"type": "object", "properties": {
            "location": {"type": "string", "description": "The city and state, e.g. San Francisco, CA"},
            "unit": {"type": "string", "description": "The unit of temperature to return", "enum": ["celsius", "fahrenheit"]}},
          "required": ["location"]}}}]
        """;

    private const string WeatherMessages = """
        [{"role": "system", "content": "You are a helpful assistant that can answer to questions about the weather."},
         {"role": "user", "content": "What's the weather like in San Francisco?"}]
        """;

    private static long Count(string body, string model, LlmApi api = LlmApi.ChatCompletions)
        => PromptTokenCounter.Count(Encoding.UTF8.GetBytes(body), api, model) ?? throw new AssertionException("no tokenizer for " + model);

    [TestCase("gpt-4o", 124)]
    [TestCase("gpt-4o-mini", 124)]
    [TestCase("gpt-4", 129)]
    [TestCase("gpt-3.5-turbo", 129)]
    public void Count_CookbookMessages_IsAtLeastTheApiCountAndAtMost115Percent(string model, int published)
    {
        long bound = Count($$"""{"model":"{{model}}","max_tokens":1,"temperature":0,"messages":{{CookbookMessages}}}""", model);
        Assert.That(bound, Is.InRange(published, (long)(published * 1.15m)));
    }

    [TestCase("gpt-4o", 101)]
    [TestCase("gpt-4", 105)]
    public void Count_CookbookTools_IsAtLeastTheApiCount(string model, int published)
        => Assert.That(Count($$"""{"model":"{{model}}","messages":{{WeatherMessages}},"tools":{{WeatherTools}}}""", model), Is.GreaterThanOrEqualTo(published));

    [Test]
    public void Count_LongEnglishPrompt_IsAFractionOfTheByteBound()
    {
        string text = string.Join(' ', Enumerable.Repeat("The quick brown fox jumps over the lazy dog.", 200));
        string body = $$"""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"{{text}}"}]}""";
        // 200 × 10 tokens ("The"… "dog" and "."): o200k_base gives each of these words one token.
        Assert.Multiple(() =>
        {
            Assert.That(Count(body, "gpt-4o-mini"), Is.InRange(2000, 2300));
            Assert.That(Count(body, "gpt-4o-mini"), Is.LessThan(Encoding.UTF8.GetByteCount(body) / 3));
        });
    }

    [Test]
    public void Count_ImageDataUrl_IsLeftToThePartBound()
    {
        string data = "data:image/png;base64," + new string('A', 40_000);
        long count = Count($$$"""{"model":"gpt-4o","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"{{{data}}}"}}]}]}""", "gpt-4o");
        Assert.That(count, Is.LessThan(40));
    }

    [TestCase("claude-sonnet-4-5")]
    [TestCase("some-local-model")]
    public void Count_ModelWithoutAKnownTokenizer_IsNull(string model)
        => Assert.That(PromptTokenCounter.Count("""{"messages":[]}"""u8, LlmApi.ChatCompletions, model), Is.Null);
}
