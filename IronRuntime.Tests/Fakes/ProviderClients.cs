// The Responses client is marked experimental (OPENAI001) in OpenAI 2.15.
#pragma warning disable OPENAI001

using System.ClientModel;
using System.ClientModel.Primitives;
using Anthropic;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Embeddings;
using OpenAI.Responses;

namespace IronRuntime.Tests.Fakes;

/// <summary>
/// How to point the official SDKs at a custom base URL and a custom <see cref="HttpClient"/> (and so at
/// any <see cref="HttpMessageHandler"/>): the recipes the tests use, in one place.
/// </summary>
/// <remarks>
/// <para>
/// OpenAI 2.15: <c>new OpenAIClientOptions { Endpoint = new Uri(root, "v1"), Transport = new
/// HttpClientPipelineTransport(httpClient), RetryPolicy = new ClientRetryPolicy(0) }</c>, passed to
/// <c>new ChatClient(model, new ApiKeyCredential(key), options)</c> or <see cref="EmbeddingClient"/>.
/// <see cref="ResponsesClient"/> takes its own <see cref="ResponsesClientOptions"/> (same properties) and
/// no model: the model goes in each call. The SDK appends <c>/chat/completions</c>, <c>/responses</c>,
/// <c>/embeddings</c> to the endpoint.
/// </para>
/// <para>
/// Anthropic 13.14: <c>new AnthropicClient { ApiKey = key, BaseUrl = "http://host:port", HttpClient =
/// httpClient, MaxRetries = 0 }</c>; the SDK appends <c>/v1/messages</c>. It sends the key as
/// <c>Authorization: Bearer</c> (not <c>x-api-key</c>) and <c>anthropic-version: 2026-10-21</c>.
/// <c>Handlers</c> (a list of <see cref="DelegatingHandler"/>) can wrap the client's handler instead.
/// </para>
/// <para>Retries are off (the SDKs retry 429 and 5xx by default), so error tests see each status once.</para>
/// </remarks>
public static class ProviderClients
{
    /// <summary>The model name the tests use for OpenAI.</summary>
    public const string OpenAIModel = "gpt-4o-mini";

    /// <summary>The model name the tests use for Anthropic.</summary>
    public const string AnthropicModel = "claude-sonnet-4-5";

    /// <summary>The model name the tests use for embeddings.</summary>
    public const string EmbeddingModel = "text-embedding-3-small";

    /// <summary>OpenAI options for an endpoint (the root plus <c>v1</c>) and, optionally, an HTTP client.</summary>
    public static OpenAIClientOptions OpenAIOptions(Uri endpoint, HttpClient? httpClient = null)
    {
        var options = new OpenAIClientOptions { Endpoint = endpoint, RetryPolicy = new ClientRetryPolicy(0) };
        if (httpClient is not null)
        {
            options.Transport = new HttpClientPipelineTransport(httpClient);
        }

        return options;
    }

    /// <summary>Responses options for an endpoint and, optionally, an HTTP client.</summary>
    public static ResponsesClientOptions ResponsesOptions(Uri endpoint, HttpClient? httpClient = null)
    {
        var options = new ResponsesClientOptions { Endpoint = endpoint, RetryPolicy = new ClientRetryPolicy(0) };
        if (httpClient is not null)
        {
            options.Transport = new HttpClientPipelineTransport(httpClient);
        }

        return options;
    }

    /// <summary>A chat client on <paramref name="endpoint"/>.</summary>
    public static ChatClient Chat(Uri endpoint, HttpClient? httpClient = null, string key = FakeProvider.OpenAIKey, string model = OpenAIModel) =>
        new(model, new ApiKeyCredential(key), OpenAIOptions(endpoint, httpClient));

    /// <summary>A Responses client on <paramref name="endpoint"/>.</summary>
    public static ResponsesClient Responses(Uri endpoint, HttpClient? httpClient = null, string key = FakeProvider.OpenAIKey) =>
        new(new ApiKeyCredential(key), ResponsesOptions(endpoint, httpClient));

    /// <summary>An embeddings client on <paramref name="endpoint"/>.</summary>
    public static EmbeddingClient Embeddings(Uri endpoint, HttpClient? httpClient = null, string key = FakeProvider.OpenAIKey, string model = EmbeddingModel) =>
        new(model, new ApiKeyCredential(key), OpenAIOptions(endpoint, httpClient));

    /// <summary>An Anthropic client on <paramref name="baseUrl"/> (scheme, host and port; no <c>/v1</c>).</summary>
    public static AnthropicClient Anthropic(string baseUrl, HttpClient? httpClient = null, string key = FakeProvider.AnthropicKey)
    {
        return httpClient is null
            ? new AnthropicClient { ApiKey = key, BaseUrl = baseUrl, MaxRetries = 0 }
            : new AnthropicClient { ApiKey = key, BaseUrl = baseUrl, MaxRetries = 0, HttpClient = httpClient };
    }

    /// <summary>The text of an Anthropic answer, read from the streamed deltas or from the message.</summary>
    public static async Task<string> ReadMessageTextAsync(AnthropicClient client, Anthropic.Models.Messages.MessageCreateParams request, bool streaming)
    {
        var text = new System.Text.StringBuilder();
        if (streaming)
        {
            await foreach (var e in client.Messages.CreateStreaming(request))
            {
                if (e.TryPickContentBlockDelta(out var delta) && delta!.Delta.TryPickText(out var t))
                {
                    text.Append(t!.Text);
                }
            }
        }
        else
        {
            var message = await client.Messages.Create(request);
            message.Content[0].TryPickText(out var block);
            text.Append(block!.Text);
        }

        return text.ToString();
    }
}
