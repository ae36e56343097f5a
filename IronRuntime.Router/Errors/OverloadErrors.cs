using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using IronRuntime.Router.Admission;

namespace IronRuntime.Router.Errors;

/// <summary>The 503 a call gets when the runtime is at a configured or physical limit of concurrent calls.</summary>
internal static class OverloadErrors
{
    /// <summary>The error type of a call refused because too many are in flight.</summary>
    public const string OverloadedType = "iron_runtime_overloaded";

    /// <summary>The error code of a call refused because too many are in flight.</summary>
    public const string OverloadedCode = "overloaded";

    /// <summary>How long a refused client is asked to wait.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    /// <summary>503 + <c>Retry-After</c> for a call beyond a concurrency limit of the router.</summary>
    public static HttpResponseMessage TooManyCalls(bool anthropicShape, AdmissionRefusal refusal, HttpRequestMessage? request = null)
    {
        string message = refusal.PerCaller
            ? string.Create(CultureInfo.InvariantCulture, $"IronRuntime is overloaded: this agent already has {refusal.Limit} calls in flight, its limit. Retry after {RetryAfter.TotalSeconds:0} s.")
            : string.Create(CultureInfo.InvariantCulture, $"IronRuntime is overloaded: {refusal.Limit} calls are in flight, the runtime's limit. Retry after {RetryAfter.TotalSeconds:0} s.");
        return Overloaded(anthropicShape, message, request);
    }

    /// <summary>503 + <c>Retry-After</c> with <paramref name="message"/>.</summary>
    public static HttpResponseMessage Overloaded(bool anthropicShape, string message, HttpRequestMessage? request = null)
    {
        var response = ProviderErrors.Create(anthropicShape, HttpStatusCode.ServiceUnavailable, OverloadedType, OverloadedCode, message, request);
        response.Headers.RetryAfter = new RetryConditionHeaderValue(RetryAfter);
        return response;
    }
}
