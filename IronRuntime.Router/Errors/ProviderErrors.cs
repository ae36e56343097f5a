using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using IronRuntime.Router.Wire;

namespace IronRuntime.Router.Errors;

/// <summary>Builds error responses in the shape of the provider the client speaks, so official SDKs raise typed errors.</summary>
internal static class ProviderErrors
{
    /// <summary>The header that marks a response produced by the runtime rather than the provider.</summary>
    public const string OriginHeader = "x-ironruntime-error";

    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json") { CharSet = "utf-8" };

    /// <summary>Whether the client speaks Anthropic's shape on this route.</summary>
    public static bool UsesAnthropicShape(LlmApi api, HttpRequestMessage request)
        => api == LlmApi.Messages
           || (api == LlmApi.Unknown && (request.Headers.Contains("x-api-key") || request.Headers.Contains("anthropic-version"))); // headers looked up only where they decide

    /// <summary>Whether the client speaks Anthropic's shape: the Messages route, or another route with Anthropic's headers.</summary>
    public static bool UsesAnthropicShape(LlmApi api, bool hasAnthropicHeaders)
        => api == LlmApi.Messages || (api == LlmApi.Unknown && hasAnthropicHeaders);

    /// <summary>An error response.</summary>
    /// <remarks><paramref name="param"/> names the request member at fault (OpenAI's <c>param</c>); null for none.</remarks>
    public static HttpResponseMessage Create(bool anthropicShape, HttpStatusCode status, string type, string? code, string message, HttpRequestMessage? request = null, string? param = null)
    {
        var response = new HttpResponseMessage(status)
        {
            Content = new ByteArrayContent(Body(anthropicShape, type, code, message, param)),
            RequestMessage = request,
        };
        response.Content.Headers.ContentType = JsonContentType;
        response.Headers.TryAddWithoutValidation(OriginHeader, "true");
        return response;
    }

    /// <summary>The error type of a call no provider endpoint could take.</summary>
    public const string ProviderUnavailableType = "iron_runtime_provider_unavailable";

    /// <summary>503 with <c>Retry-After</c> (whole seconds, at least 1) for a call whose provider endpoint is unavailable.</summary>
    public static HttpResponseMessage ProviderUnavailable(bool anthropicShape, LlmUpstreamUnavailable unavailable, HttpRequestMessage? request = null)
    {
        long seconds = Math.Max(1L, (long)Math.Ceiling(unavailable.RetryAfter.TotalSeconds));
        string message = string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{unavailable.Provider} (endpoint '{unavailable.Endpoint}') is unavailable: IronRuntime's circuit breaker for it is open after repeated failures. Retry after {seconds} s.");
        var response = Create(anthropicShape, HttpStatusCode.ServiceUnavailable, ProviderUnavailableType, "provider_unavailable", message, request);
        response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(seconds));
        return response;
    }

    /// <summary>The error type of a call refused because the runtime has no key for its provider.</summary>
    public const string MissingKeyType = "iron_runtime_no_api_key";

    /// <summary>
    /// 401 for a call to a provider the runtime has no key for (and no simulated provider): sent, it could only be
    /// refused by the provider, so it is not sent at all. The message names the settings that supply the key.
    /// </summary>
    public static HttpResponseMessage MissingKey(bool anthropicShape, LlmProvider provider, string endpoint, HttpRequestMessage? request = null)
    {
        string variable = provider == LlmProvider.Anthropic ? "ANTHROPIC_API_KEY" : "OPENAI_API_KEY";
        string section = provider == LlmProvider.Anthropic ? "Anthropic" : "OpenAI";
        string named = endpoint is "openai" or "anthropic" ? string.Empty : $"Resilience:Endpoints:{endpoint}:ApiKey, ";
        string message = $"IronRuntime has no API key for {provider} (endpoint '{endpoint}'), so the call was not sent. Set {named}{variable} or "
            + $"Router:{section}:ApiKey (builder: Use{section}(apiKey)), or call UseSimulatedProvider() to run without a provider.";
        return Create(anthropicShape, HttpStatusCode.Unauthorized, MissingKeyType, "missing_api_key", message, request);
    }

    /// <summary>The JSON error body.</summary>
    public static byte[] Body(bool anthropicShape, string type, string? code, string message, string? param = null)
    {
        using var buffer = new MemoryStream(128 + message.Length);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (anthropicShape)
            {
                writer.WriteString("type"u8, "error"u8);
                writer.WriteStartObject("error"u8);
                writer.WriteString("type"u8, type);
                writer.WriteString("message"u8, message);
                if (code is not null)
                {
                    writer.WriteString("code"u8, code);
                }

                writer.WriteEndObject();
            }
            else
            {
                writer.WriteStartObject("error"u8);
                writer.WriteString("message"u8, message);
                writer.WriteString("type"u8, type);
                WireJson.WriteStringOrNull(writer, "param"u8, param);
                WireJson.WriteStringOrNull(writer, "code"u8, code);

                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>The SSE error event a stream ends with when it cannot go on.</summary>
    public static byte[] StreamErrorEvent(bool anthropicShape, string type, string message)
    {
        var body = Body(anthropicShape, type, null, message);
        var prefix = anthropicShape ? "event: error\ndata: "u8 : "data: "u8;
        var result = new byte[prefix.Length + body.Length + 2];
        prefix.CopyTo(result);
        body.CopyTo(result.AsSpan(prefix.Length));
        result[^2] = (byte)'\n';
        result[^1] = (byte)'\n';
        return result;
    }
}
