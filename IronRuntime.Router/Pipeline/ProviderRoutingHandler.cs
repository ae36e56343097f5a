using System.Buffers;
using System.Net;
using IronRuntime.Router.Errors;
using IronRuntime.Router.Internal;
using IronRuntime.Router.Providers;
using IronRuntime.Router.Requests;
using IronRuntime.Router.Telemetry;
using Microsoft.Extensions.Logging;

namespace IronRuntime.Router.Pipeline;

/// <summary>
/// First stage of the chain: reads and validates the request, detects the provider, points the request at
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
    private readonly bool _keysCheckedDownstream;

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
    }

    /// <summary>Response header naming the output limit the runtime imposed on a request that set none.</summary>
    public static string ImposedHeaderName => MaxTokensImposedHeader;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Options.TryGetValue(LlmCall.CallerKey, out string? caller);
        var call = new LlmCall(caller, _timeProvider.GetTimestamp());
        string path = request.RequestUri?.AbsolutePath ?? string.Empty;
        var api = ProviderDetector.DetectApi(request.Method, path, out string upstreamPath, out bool passThrough);
        call.Api = api;
        call.AnthropicErrorShape = ProviderErrors.UsesAnthropicShape(api, request);

        if (api == LlmApi.Unknown && !passThrough)
        {
            return Reject(request, call, HttpStatusCode.NotFound, "invalid_request_error", "unknown_route",
                $"IronRuntime does not route {request.Method} {path}. Supported: POST /v1/chat/completions, /v1/responses, /v1/embeddings, /v1/messages.");
        }

        byte[]? body = null;
        if (request.Content is not null)
        {
            var (read, tooLarge) = await ReadBodyAsync(request.Content, _options.MaxRequestBodyBytes, cancellationToken).ConfigureAwait(false);
            if (tooLarge)
            {
                return Reject(request, call, HttpStatusCode.RequestEntityTooLarge, "invalid_request_error", "request_too_large",
                    $"The request body is larger than the {_options.MaxRequestBodyBytes} bytes IronRuntime accepts.");
            }

            body = read;
        }

        LlmProvider provider;
        string upstreamModel = string.Empty;
        if (api != LlmApi.Unknown)
        {
            if (body is null || body.Length == 0)
            {
                return Reject(request, call, HttpStatusCode.BadRequest, "invalid_request_error", "invalid_body", "The request has no JSON body.");
            }

            if (!LlmRequestReader.TryRead(body, api, out var info, out string? error))
            {
                return Reject(request, call, HttpStatusCode.BadRequest, "invalid_request_error", "invalid_body", error!);
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
            call.RequestBodyBytes = body.Length;
            call.InputTokenBound = body.Length + 64L + ((long)info.ImageParts * _options.ImageTokenBound) + ((long)info.FileParts * _options.FileTokenBound);
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

        var baseUri = provider == LlmProvider.Anthropic ? _anthropicBase : _openAIBase;
        request.RequestUri = new Uri(baseUri, upstreamPath + request.RequestUri?.Query);
        ProviderUpstream.InjectCredentials(request.Headers, provider, api, key);
        request.Options.Set(LlmCall.OptionsKey, call);
        call.Activity = RouterActivity.Start(call);

        try
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
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

    private HttpResponseMessage Reject(HttpRequestMessage request, LlmCall call, HttpStatusCode status, string type, string code, string message)
    {
        call.StatusCode = (int)status;
        RouterLog.RequestRejected(_logger, call.CallerId, request.RequestUri?.AbsolutePath, (int)status, message);
        _completion.Complete(call, LlmCallOutcome.Rejected);
        return ProviderErrors.Create(call.AnthropicErrorShape, status, type, code, message, request);
    }

    private static bool Supports(LlmProvider provider, LlmApi api) => provider switch
    {
        // Anthropic also serves an OpenAI-compatible Chat Completions endpoint.
        LlmProvider.Anthropic => api is LlmApi.Messages or LlmApi.ChatCompletions,
        LlmProvider.OpenAI => api is LlmApi.ChatCompletions or LlmApi.Responses or LlmApi.Embeddings,
        _ => false,
    };

    private static async ValueTask<(byte[]? Body, bool TooLarge)> ReadBodyAsync(HttpContent content, int limit, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength is { } declared && declared > limit)
        {
            return (null, true);
        }

        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            byte[] rented = ArrayPool<byte>.Shared.Rent((int)Math.Min(content.Headers.ContentLength ?? 16 * 1024, limit) + 1);
            try
            {
                int total = 0;
                while (true)
                {
                    if (total == rented.Length)
                    {
                        if (total > limit)
                        {
                            return (null, true);
                        }

                        byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Min(rented.Length * 2, limit + 1));
                        rented.AsSpan(0, total).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(rented);
                        rented = larger;
                    }

                    int n = await stream.ReadAsync(rented.AsMemory(total), cancellationToken).ConfigureAwait(false);
                    if (n == 0)
                    {
                        break;
                    }

                    total += n;
                    if (total > limit)
                    {
                        return (null, true);
                    }
                }

                return (rented.AsSpan(0, total).ToArray(), false);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
