using System.Text;
using IronRuntime.Router;
using IronRuntime.Router.Simulation;

namespace IronRuntime.Tests.Simulation;

[TestFixture]
public sealed class ProviderRequestTests
{
    private static ProviderRequest Parse(LlmApi api, string body)
    {
        Assert.That(ProviderRequest.TryParse(api, Encoding.UTF8.GetBytes(body), out ProviderRequest? request, out ProviderRequestError error), Is.True, error.Message);
        return request!;
    }

    private static ProviderRequestError Reject(LlmApi api, string body)
    {
        Assert.That(ProviderRequest.TryParse(api, Encoding.UTF8.GetBytes(body), out _, out ProviderRequestError error), Is.False);
        return error;
    }

    [Test]
    public void TryParse_ChatCompletion_ReadsStreamOptionsLimitAndPrompt()
    {
        ProviderRequest request = Parse(
            LlmApi.ChatCompletions,
            """{"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true,"include_obfuscation":false},"max_completion_tokens":50,"max_tokens":9,"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":[{"type":"text","text":"Hello"},{"type":"image_url","image_url":{"url":"x"}}]}]}""");

        Assert.Multiple(() =>
        {
            Assert.That(request.Model, Is.EqualTo("gpt-4o"));
            Assert.That(request.Stream, Is.True);
            Assert.That(request.IncludeUsage, Is.True);
            Assert.That(request.IncludeObfuscation, Is.False);
            Assert.That(request.MaxOutputTokens, Is.EqualTo(50), "max_completion_tokens wins over max_tokens");
            Assert.That(request.MessageCount, Is.EqualTo(2));
            Assert.That(request.LastUserText, Is.EqualTo("Hello"));

            // ceil((9 + 5) / 4) + 3 * 2
            Assert.That(request.EstimatedInputTokens, Is.EqualTo(10));
        });
    }

    [Test]
    public void TryParse_ResponsesWithStringInput_CountsInstructionsAsAMessage()
    {
        ProviderRequest request = Parse(LlmApi.Responses, """{"model":"gpt-4o","instructions":"Be brief.","input":"Héllo","max_output_tokens":64,"store":false}""");

        Assert.Multiple(() =>
        {
            Assert.That(request.LastUserText, Is.EqualTo("Héllo"));
            Assert.That(request.Instructions, Is.EqualTo("Be brief."));
            Assert.That(request.MaxOutputTokens, Is.EqualTo(64));
            Assert.That(request.Store, Is.False);

            // ceil((9 + 6) / 4) + 3 * 2
            Assert.That(request.EstimatedInputTokens, Is.EqualTo(10));
        });
    }

    [Test]
    public void TryParse_ResponsesWithItems_TakesTheLastUserItem()
    {
        ProviderRequest request = Parse(
            LlmApi.Responses,
            """{"model":"gpt-4o","input":[{"type":"message","role":"user","content":[{"type":"input_text","text":"first"}]},{"role":"assistant","content":"ok"},{"role":"user","content":"second"}]}""");

        Assert.Multiple(() =>
        {
            Assert.That(request.LastUserText, Is.EqualTo("second"));
            Assert.That(request.MessageCount, Is.EqualTo(3));
        });
    }

    [Test]
    public void TryParse_Messages_CountsTheSystemPrompt()
    {
        ProviderRequest request = Parse(
            LlmApi.Messages,
            """{"model":"claude","max_tokens":10,"system":[{"type":"text","text":"Sys"}],"messages":[{"role":"user","content":[{"type":"text","text":"Hi"}]}]}""");

        Assert.Multiple(() =>
        {
            Assert.That(request.MessageCount, Is.EqualTo(2));
            Assert.That(request.LastUserText, Is.EqualTo("Hi"));
            Assert.That(request.EstimatedInputTokens, Is.EqualTo(2 + 6));
        });
    }

    [Test]
    public void TryParse_Embeddings_ReadsTextAndTokenInputs()
    {
        ProviderRequest text = Parse(LlmApi.Embeddings, """{"model":"e","input":["abcd","abcde"],"encoding_format":"base64","dimensions":3}""");
        ProviderRequest tokens = Parse(LlmApi.Embeddings, """{"model":"e","input":[[1,2,3],[4]]}""");

        Assert.Multiple(() =>
        {
            Assert.That(text.EmbeddingTexts, Is.EqualTo(new[] { "abcd", "abcde" }));
            Assert.That(text.EstimatedInputTokens, Is.EqualTo(1 + 2));
            Assert.That(text.Base64Embeddings, Is.True);
            Assert.That(text.Dimensions, Is.EqualTo(3));
            Assert.That(tokens.EmbeddingTokenCounts, Is.EqualTo(new long[] { 3, 1 }));
        });
    }

    [TestCase(LlmApi.ChatCompletions, "{", "We could not parse the JSON body of your request.")]
    [TestCase(LlmApi.ChatCompletions, "[1]", "We could not parse the JSON body of your request.")]
    [TestCase(LlmApi.ChatCompletions, """{"messages":[]}""", "You must provide a model parameter.")]
    [TestCase(LlmApi.ChatCompletions, """{"model":"m"}""", "Missing required parameter: 'messages'.")]
    [TestCase(LlmApi.ChatCompletions, """{"model":"m","messages":[],"max_tokens":0}""", "Invalid 'max_tokens': it must be a positive integer")]
    [TestCase(LlmApi.Responses, """{"model":"m","input":"x","max_output_tokens":8}""", "Invalid 'max_output_tokens': integer below minimum value. Expected a value >= 16, but got 8 instead.")]
    [TestCase(LlmApi.Embeddings, """{"model":"m"}""", "Missing required parameter: 'input'.")]
    [TestCase(LlmApi.Messages, "{", "The request body is not valid JSON")]
    [TestCase(LlmApi.Messages, """{"max_tokens":1,"messages":[]}""", "model: You must provide a model parameter.")]
    [TestCase(LlmApi.Messages, """{"model":"c","messages":[]}""", "max_tokens: Field required")]
    [TestCase(LlmApi.Messages, """{"model":"c","max_tokens":1}""", "messages: Field required")]
    [TestCase(LlmApi.Messages, """{"model":"c","max_tokens":0,"messages":[]}""", "max_tokens: Invalid 'max_tokens': it must be a positive integer")]
    [TestCase(LlmApi.Messages, """{"model":"c","model":"d","max_tokens":1,"messages":[]}""", "model: The request body has the member 'model' twice")]
    [TestCase(LlmApi.Messages, "[1]", "Input should be a valid dictionary")]
    public void TryParse_InvalidBody_ReturnsTheProvidersBadRequest(LlmApi api, string body, string message)
    {
        ProviderRequestError error = Reject(api, body);

        Assert.Multiple(() =>
        {
            Assert.That(error.StatusCode, Is.EqualTo(400));
            Assert.That(error.Type, Is.EqualTo("invalid_request_error"));
            Assert.That(error.Message, Does.StartWith(message));
        });
    }
}
