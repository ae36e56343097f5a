using IronRuntime.Router;

namespace IronRuntime.Tests.Fakes;

/// <summary>The error bodies the providers send for a given status, in their own shapes.</summary>
public static class FakeErrors
{
    /// <summary>The body OpenAI sends when no API key is given (401).</summary>
    public const string OpenAIMissingKeyMessage =
        "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys.";

    /// <summary>A typical error body for <paramref name="statusCode"/> on the API of <paramref name="api"/>.</summary>
    public static byte[] For(LlmApi api, int statusCode, string? requestId = null) => api == LlmApi.Messages
        ? AnthropicFor(statusCode, requestId)
        : OpenAIFor(statusCode);

    /// <summary>OpenAI's body for a wrong key: the key is shown masked, as the API does.</summary>
    public static byte[] OpenAIIncorrectKey(string key) => FakeWire.OpenAIError(
        $"Incorrect API key provided: {Mask(key)}. You can find your API key at https://platform.openai.com/account/api-keys.",
        "invalid_request_error",
        code: "invalid_api_key");

    private static byte[] OpenAIFor(int statusCode) => statusCode switch
    {
        400 => FakeWire.OpenAIError("Invalid request (forced by the fake provider).", "invalid_request_error"),
        401 => OpenAIIncorrectKey("sk-forced"),
        403 => FakeWire.OpenAIError("You are not allowed to sample from this model", "invalid_request_error", code: "model_not_allowed"),
        404 => FakeWire.OpenAIError("The model `gpt-unknown` does not exist or you do not have access to it.", "invalid_request_error", code: "model_not_found"),
        429 => FakeWire.OpenAIError(
            "Rate limit reached for gpt-4o-mini in organization org-fake on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s. Visit https://platform.openai.com/account/rate-limits to learn more.",
            "requests",
            code: "rate_limit_exceeded"),
        503 => FakeWire.OpenAIError("The engine is currently overloaded, please try again later.", "server_error"),
        >= 500 => FakeWire.OpenAIError("The server had an error while processing your request. Sorry about that!", "server_error"),
        _ => FakeWire.OpenAIError($"Request failed with status {statusCode} (forced by the fake provider).", "invalid_request_error"),
    };

    private static byte[] AnthropicFor(int statusCode, string? requestId) => statusCode switch
    {
        400 => FakeWire.AnthropicError("invalid_request_error", "Invalid request (forced by the fake provider).", requestId),
        401 => FakeWire.AnthropicError("authentication_error", "invalid x-api-key", requestId),
        403 => FakeWire.AnthropicError("permission_error", "Your API key does not have permission to use the specified resource.", requestId),
        404 => FakeWire.AnthropicError("not_found_error", "Not Found", requestId),
        413 => FakeWire.AnthropicError("request_too_large", "Request exceeds the maximum allowed number of bytes.", requestId),
        429 => FakeWire.AnthropicError("rate_limit_error", "This request would exceed the rate limit for your organization of 50 input tokens per minute. Please try again later.", requestId),
        529 => FakeWire.AnthropicError("overloaded_error", "Overloaded", requestId),
        >= 500 => FakeWire.AnthropicError("api_error", "Internal server error", requestId),
        _ => FakeWire.AnthropicError("invalid_request_error", $"Request failed with status {statusCode} (forced by the fake provider).", requestId),
    };

    private static string Mask(string key) => key.Length <= 8 ? "********" : $"{key[..3]}{new string('*', key.Length - 7)}{key[^4..]}";
}
