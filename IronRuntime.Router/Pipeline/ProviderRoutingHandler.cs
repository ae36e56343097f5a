using System.Net;
using IronRuntime.Router.Errors;
using IronRuntime.Router.Internal;
using IronRuntime.Router.Providers;
using IronRuntime.Router.Requests;
using IronRuntime.Router.Telemetry;
using Microsoft.Extensions.Logging;

namespace IronRuntime.Router.Pipeline;

/// <summary>
/// Step 2 of the chain (<see cref="LlmRouter"/>; step 1, caller attribution, hands it the caller's id): reads and validates the request, detects the provider, points the request at
/// the provider's real endpoint and swaps the agent's credential for the real key.
/// </summary>
internal sealed class ProviderRoutingHandler : DelegatingHandler
{
    private const string MaxTokensImposedHeader = "x-ironruntime-max-tokens-imposed";

    private readonly LlmRouterOptions _options;
    private readonly ILlmCallCompletion _completion;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Uri _openAIBase;
    private readonly Uri _anthropicBase;
    private readonly (Version Version, HttpVersionPolicy Policy) _openAIHttp;
    private readonly (Version Version, HttpVersionPolicy Policy) _anthropicHttp;
    private readonly bool _keysCheckedDownstream;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Uri> _openAIRoutes = new(StringComparer.Ordinal);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Uri> _anthropicRoutes = new(StringComparer.Ordinal);

    /// <param name="options">The router's options (endpoints, keys, limits).</param>
    /// <param name="completion">Ends the calls this stage answers itself.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="logger">The router's logger.</param>
    /// <param name="keysCheckedDownstream">
    /// True when the resilience stage chooses the endpoints of routed calls: it refuses a call only when none of them
    /// has a key (a failover target may have one). Otherwise this stage refuses a call to a provider without a key.
    /// </param>
    public ProviderRoutingHandler(LlmRouterOptions options, ILlmCallCompletion completion, TimeProvider timeProvider, ILogger logger, bool keysCheckedDownstream = false)
    {
        _keysCheckedDownstream = keysCheckedDownstream;
        _options = options;
        _completion = completion;
        _timeProvider = timeProvider;
        _logger = logger;
        _openAIBase = ProviderUpstream.NormalizeBase(options.OpenAI.BaseUrl ?? LlmRouterOptions.DefaultOpenAIBaseUrl);
        _anthropicBase = ProviderUpstream.NormalizeBase(options.Anthropic.BaseUrl ?? LlmRouterOptions.DefaultAnthropicBaseUrl);
        _openAIHttp = ProviderUpstream.HttpVersionFor(options.OpenAI.HttpVersion, _openAIBase);
        _anthropicHttp = ProviderUpstream.HttpVersionFor(options.Anthropic.HttpVersion, _anthropicBase);
    }

    /// <summary>Response header naming the output limit the runtime imposed on a request that set none.</summary>
    public static string ImposedHeaderName => MaxTokensImposedHeader;

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        => RouteAsync(request, CallerOf(request), cancellationToken);

    /// <summary>
    /// A synchronous send (<see cref="HttpClient.Send(HttpRequestMessage)"/>, which the OpenAI SDK's synchronous methods
    /// use) takes the same chain: without this override it would skip every stage and reach the primary handler as
    /// the caller wrote it — unrouted, unmetered and unscanned.
    /// </summary>
    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
        => Route(request, CallerOf(request), cancellationToken);

    /// <summary>Routes <paramref name="request"/> made by <paramref name="callerId"/> synchronously (see <see cref="Send"/>).</summary>
    internal HttpResponseMessage Route(HttpRequestMessage request, string? callerId, CancellationToken cancellationToken)
        => RouteAsync(request, callerId, cancellationToken).GetAwaiter().GetResult();

    /// <summary>
    /// The caller of a request that did not come through <see cref="CallerAttributionHandler"/>: the loopback proxy's
    /// message carries it in a field; a request given to <see cref="LlmRouter.SendAsync"/>, in its options.
    /// </summary>
    private static string? CallerOf(HttpRequestMessage request)
    {
        if (request is RoutedRequestMessage routed)
        {
            return routed.CallerId;
        }

        request.Options.TryGetValue(LlmCall.CallerKey, out string? caller);
        return caller;
    }

    /// <summary>Routes <paramref name="request"/> made by <paramref name="callerId"/> (an agent, or null).</summary>
    internal async Task<HttpResponseMessage> RouteAsync(HttpRequestMessage request, string? callerId, CancellationToken cancellationToken)
    {
        var call = new LlmCall(callerId, _timeProvider.GetTimestamp());
        string query = string.Empty;
        string escapedPath = request.RequestUri is { IsAbsoluteUri: true } absolute
            ? RoutePath.AbsolutePathOf(absolute, out query)
            : request.RequestUri?.OriginalString ?? string.Empty;
        if (!RoutePath.TryDecode(escapedPath, out string path, out string? pathProblem))
        {
            call.AnthropicErrorShape = ProviderErrors.UsesAnthropicShape(LlmApi.Unknown, request);
            return Reject(request, call, HttpStatusCode.BadRequest, "invalid_request_error", "invalid_path",
                $"IronRuntime refuses the path of {request.Method} {escapedPath}: {pathProblem}.");
        }

        var api = ProviderDetector.DetectApi(request.Method, path, out string upstreamPath, out bool passThrough, out LlmRoutes route);
        call.Api = api;
        call.AnthropicErrorShape = ProviderErrors.UsesAnthropicShape(api, request);

        if (route == LlmRoutes.None || (_options.AllowedRoutes & route) == 0)
        {
            return Reject(request, call, HttpStatusCode.NotFound, "invalid_request_error", "unknown_route",
                $"IronRuntime does not route {request.Method} {path}. Allowed: {_options.AllowedRoutes}.");
        }

        byte[]? body = null;
        if (request.Content is not null)
        {
            var read = await RequestBodyReader.ReadAsync(request.Content, _options.MaxRequestBodyBytes, cancellationToken).ConfigureAwait(false);
            switch (read.Status)
            {
                case HttpStatusCode.RequestEntityTooLarge:
                    return Reject(request, call, HttpStatusCode.RequestEntityTooLarge, "invalid_request_error", "request_too_large",
                        $"The request body is larger than the {_options.MaxRequestBodyBytes} bytes IronRuntime accepts.");
                case HttpStatusCode.RequestTimeout:
                    return Reject(request, call, HttpStatusCode.RequestTimeout, "invalid_request_error", "request_body_timeout",
                        "The request body arrived too slowly: " + read.Error);
                case HttpStatusCode.BadRequest:
                    return Reject(request, call, HttpStatusCode.BadRequest, "invalid_request_error", "invalid_body",
                        "The request body could not be read: " + read.Error);
            }

            body = read.Body;
        }

        LlmProvider provider;
        string upstreamModel = string.Empty;
        if (api != LlmApi.Unknown)
        {
            if (body is null || body.Length == 0)
            {
                return Reject(request, call, HttpStatusCode.BadRequest, "invalid_request_error", "invalid_body", "The request has no JSON body.");
            }

            if (!System.Text.Unicode.Utf8.IsValid(body))
            {
                return Reject(request, call, HttpStatusCode.BadRequest, "invalid_request_error", "invalid_body", "The request body is not valid UTF-8.");
            }

            if (!LlmRequestReader.TryRead(body, api, out var info, out string? error, out string? param))
            {
                return Reject(request, call, HttpStatusCode.BadRequest, "invalid_request_error", "invalid_body", error!, param);
            }

            provider = ProviderDetector.DetectByModel(info.Model, out upstreamModel);
            if (provider == LlmProvider.Unknown)
            {
                provider = ProviderDetector.DefaultFor(api);
            }

            if (!Supports(provider, api))
            {
                return Reject(request, call, HttpStatusCode.BadRequest, "invalid_request_error", "model_not_supported_on_route",
                    $"The model '{info.Model}' is served by {provider}, which has no {path} route.");
            }

            call.Request = info;
            call.Model = upstreamModel;
            call.IsStreaming = info.Stream;
            call.RequestedMaxOutputTokens = info.MaxOutputTokens;
            call.Billing = info.Billing;
            call.RequestBodyBytes = body.Length;
            call.PartsTokenBound = ((long)info.ImageParts * _options.ImageTokenBound) + ((long)info.FileParts * _options.FileTokenBound);
            call.InputTokenBound = body.Length + 64L + call.PartsTokenBound;
            call.InjectedStreamUsage = api == LlmApi.ChatCompletions && info.Stream && !info.IncludeUsage;
        }
        else
        {
            provider = call.AnthropicErrorShape ? LlmProvider.Anthropic : LlmProvider.OpenAI;
        }

        call.Provider = provider;
        call.Body = body;
        string? key = provider == LlmProvider.Anthropic ? _options.Anthropic.ApiKey : _options.OpenAI.ApiKey;
        if (string.IsNullOrEmpty(key) && !_options.UseSimulatedProvider && !(_keysCheckedDownstream && api != LlmApi.Unknown))
        {
            // No key, no call: the provider could only refuse it, and a refusal (or an unreachable host) would say less.
            string endpoint = provider == LlmProvider.Anthropic ? "anthropic" : "openai";
            call.StatusCode = (int)HttpStatusCode.Unauthorized;
            RouterLog.CallWithoutKey(_logger, call.CallerId, provider, endpoint);
            _completion.Complete(call, LlmCallOutcome.Rejected);
            return ProviderErrors.MissingKey(call.AnthropicErrorShape, provider, endpoint, request);
        }

        var upstream = UpstreamRequest.Create(request, UpstreamUri(provider, api, upstreamPath, query), body);
        (upstream.Version, upstream.VersionPolicy) = provider == LlmProvider.Anthropic ? _anthropicHttp : _openAIHttp;
        ProviderUpstream.InjectCredentials(upstream.Headers, provider, api, key);
        upstream.Call = call;
        call.Activity = RouterActivity.Start(call);

        try
        {
            var response = await base.SendAsync(upstream, cancellationToken).ConfigureAwait(false);

            // The caller sees its own request, never the one that carried the key.
            response.RequestMessage = request;
            if (call.ImposedMaxOutputTokens is { } imposed && call.RequestedMaxOutputTokens is null)
            {
                response.Headers.TryAddWithoutValidation(MaxTokensImposedHeader, imposed.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            return response;
        }
        catch (OperationCanceledException)
        {
            _completion.Complete(call, LlmCallOutcome.Cancelled);
            throw;
        }
        catch (Exception ex)
        {
            RouterLog.CallFailed(_logger, ex, call.CallerId, call.Provider, ex.Message);
            _completion.Complete(call, LlmCallOutcome.Failed);
            throw;
        }
    }

    /// <summary>
    /// The provider's address for the call. The routes of the known APIs are fixed, so without a query their address
    /// is made once per provider and route and shared (a <see cref="Uri"/> is immutable).
    /// </summary>
    private Uri UpstreamUri(LlmProvider provider, LlmApi api, string upstreamPath, string query)
    {
        bool anthropic = provider == LlmProvider.Anthropic;
        var baseUri = anthropic ? _anthropicBase : _openAIBase;
        if (api == LlmApi.Unknown || query.Length > 0)
        {
            return new Uri(baseUri, upstreamPath + query);
        }

        var cache = anthropic ? _anthropicRoutes : _openAIRoutes;
        return cache.TryGetValue(upstreamPath, out var uri) ? uri : cache.GetOrAdd(upstreamPath, static (path, b) => new Uri(b, path), baseUri);
    }

    private HttpResponseMessage Reject(HttpRequestMessage request, LlmCall call, HttpStatusCode status, string type, string code, string message, string? param = null)
    {
        call.StatusCode = (int)status;
        RouterLog.RequestRejected(_logger, call.CallerId, request.RequestUri?.AbsolutePath, (int)status, message);
        _completion.Complete(call, LlmCallOutcome.Rejected);
        return ProviderErrors.Create(call.AnthropicErrorShape, status, type, code, message, request, param);
    }

    private static bool Supports(LlmProvider provider, LlmApi api) => provider switch
    {
        // Anthropic also serves an OpenAI-compatible Chat Completions endpoint.
        LlmProvider.Anthropic => api is LlmApi.Messages or LlmApi.ChatCompletions,
        LlmProvider.OpenAI => api is LlmApi.ChatCompletions or LlmApi.Responses or LlmApi.Embeddings,
        _ => false,
    };
}
