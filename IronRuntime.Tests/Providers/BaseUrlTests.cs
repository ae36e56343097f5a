using System.Net;
using System.Text;
using IronRuntime.Tests.Fakes;

namespace IronRuntime.Tests.Providers;

/// <summary>README: <c>Router:OpenAI:BaseUrl</c> and <c>Router:Anthropic:BaseUrl</c> accept a trailing <c>/v1</c>.</summary>
public sealed class BaseUrlTests
{
    [TestCase("v1")]
    [TestCase("v1/")]
    [TestCase("")]
    public async Task BaseUrl_WithOrWithoutV1_RequestReachesTheRouteOnce(string suffix)
    {
        await using var fake = await FakeProvider.StartAsync();
        var baseUrl = new Uri(fake.BaseUri, suffix);
        await using var runtime = AgentRuntime.CreateBuilder()
            .UseOpenAI(FakeProvider.OpenAIKey, baseUrl)
            .UseAnthropic(FakeProvider.AnthropicKey, baseUrl)
            .Build();
        using var http = runtime.CreateHttpClient("a1");

        using var chat = await http.PostAsync("https://api.openai.com/v1/chat/completions", new StringContent(
            """{"model":"gpt-4o-mini","max_tokens":20,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));
        using var messages = await http.PostAsync("https://api.anthropic.com/v1/messages", new StringContent(
            """{"model":"claude-sonnet-4-5","max_tokens":20,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));

        Assert.Multiple(() =>
        {
            Assert.That(chat.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(messages.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(fake.Requests.Select(r => r.Path), Is.EqualTo(new[] { "/v1/chat/completions", "/v1/messages" }));
        });
    }
}
