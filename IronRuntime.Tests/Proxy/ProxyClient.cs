using System.Net.Http.Headers;
using System.Text;
using IronRuntime.Router;

namespace IronRuntime.Tests.Proxy;

/// <summary>A plain <see cref="HttpClient"/> talking to a running <see cref="LlmProxy"/> like an agent process would.</summary>
internal static class ProxyClient
{
    public const string ChatBody = """{"model":"gpt-4o-mini","max_tokens":50,"messages":[{"role":"user","content":"Hello there"}]}""";

    public const string StreamBody = """{"model":"gpt-4o-mini","max_tokens":200,"stream":true,"messages":[{"role":"user","content":"Hello there"}]}""";

    public const string MessagesBody = """{"model":"claude-sonnet-4-5","max_tokens":50,"messages":[{"role":"user","content":"Hello there"}]}""";

    /// <summary>
    /// A client of the proxy. Disposing an answer it has not read to the end closes the connection at once, as an agent
    /// process that goes away does (by default <see cref="HttpClient"/> would first drain the rest for up to 2 s).
    /// </summary>
    public static HttpClient Create(LlmProxy proxy)
        => new(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { BaseAddress = proxy.BaseAddress };

    /// <summary>A POST with a JSON body and, when given, the token as <c>Authorization: Bearer</c>.</summary>
    public static HttpRequestMessage Post(string path, string body, string? bearer = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return request;
    }

    /// <summary>An Anthropic Messages POST with the token as <c>x-api-key</c>.</summary>
    public static HttpRequestMessage PostMessages(string? apiKey, string body = MessagesBody)
    {
        var request = Post("/v1/messages", body);
        request.Headers.Add("anthropic-version", "2023-06-01");
        if (apiKey is not null)
        {
            request.Headers.Add("x-api-key", apiKey);
        }

        return request;
    }
}
