using IronRuntime.Router.Pipeline;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace IronRuntime.Router;

/// <summary>
/// The LLM router: one <see cref="HttpMessageHandler"/> chain through which every OpenAI and Anthropic call of
/// every agent flows, in process or from the loopback proxy. Registered by <c>services.AddLlmRouter(...)</c> (which
/// <c>AddIronRuntime</c> calls), built from the extension points found in the container.
/// </summary>
/// <remarks>
/// The chain, outermost first (a stage with nothing to do is left out). These step numbers are the ones the stages
/// and docs/architecture.md cite ("step 6"); they are written here only:
/// <list type="number">
/// <item><description>caller attribution (per <see cref="CreateClient"/> client);</description></item>
/// <item><description>provider routing: parse and validate the body, detect the provider, point the request at it and inject the real key;</description></item>
/// <item><description>admission: 503 with <c>Retry-After</c> beyond <see cref="LlmRouterOptions.MaxConcurrentCalls"/> or <see cref="LlmRouterOptions.MaxConcurrentCallsPerCaller"/> (when configured) or when the calls hold all the file descriptors the router may use;</description></item>
/// <item><description>request content (<see cref="ILlmContentFilter"/>, e.g. PII): scan prompts, refuse or redact;</description></item>
/// <item><description>upstream admission (with an <see cref="ILlmUpstreamPolicy"/>): the call's route; fail fast with 503 when every endpoint the call may use has an open circuit (401 when none has a key), before anything is reserved;</description></item>
/// <item><description>request gate (<see cref="ILlmRequestGate"/>, e.g. the budget): admit with a lease, or answer in the provider's error shape;</description></item>
/// <item><description>response metering: final body edits, usage from JSON bodies and SSE streams, the content filter on the answer's text, completion of the call;</description></item>
/// <item><description>upstream (with an <see cref="ILlmUpstreamPolicy"/>): the route's targets in order through their endpoints' pipelines (breakers, retries before the first byte, timeouts), the request rebuilt for a failover target and translated when it speaks the other API;</description></item>
/// <item><description>the primary handler (pooled <c>SocketsHttpHandler</c>, or the simulated provider).</description></item>
/// </list>
/// </remarks>
public sealed class LlmRouter : IDisposable
{
    private readonly ProviderRoutingHandler _chain;
    private readonly HttpMessageInvoker _invoker;
    private readonly bool _disposePrimary;
    private int _disposed;

    internal LlmRouter(
        LlmRouterOptions options,
        ILlmRequestGate? gate,
        IEnumerable<ILlmCallObserver> observers,
        HttpMessageHandler primary,
        bool disposePrimary,
        TimeProvider timeProvider,
        ILoggerFactory? loggerFactory,
        ILlmContentFilter? contentFilter = null,
        ILlmUpstreamPolicy? upstream = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("IronRuntime.Router");
        var completion = new LlmCallCompleter(observers, timeProvider, logger);
        Completion = completion;
        var stages = new CallStageServices(completion, logger);
        _disposePrimary = disposePrimary;

        HttpMessageHandler inner = primary;
        if (upstream is not null)
        {
            var upstreamLogger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("IronRuntime.Resilience");
            inner = new Upstream.UpstreamStage(upstream, completion, timeProvider, options.MaxResponseBodyBytes, upstreamLogger) { InnerHandler = inner };
        }

        var scrubber = new Errors.SecretScrubber(new[] { options.OpenAI.ApiKey, options.Anthropic.ApiKey }.Concat(upstream?.ApiKeys ?? []));
        inner = new ResponseMeteringHandler(options, completion, logger, contentFilter, scrubber) { InnerHandler = inner };
        if (gate is not null)
        {
            inner = new RequestGateHandler(gate, stages) { InnerHandler = inner };
        }

        if (upstream is not null)
        {
            inner = new UpstreamAdmissionHandler(upstream, stages) { InnerHandler = inner };
        }

        if (contentFilter is not null)
        {
            inner = new RequestContentHandler(contentFilter, stages) { InnerHandler = inner };
        }

        if (Admission.DescriptorLimit.RaiseSoftToHard() is { } raised && raised.After > raised.Before)
        {
            Internal.RouterLog.DescriptorLimitRaised(logger, raised.Before, raised.After);
        }

        Descriptors = new Admission.DescriptorBudget();
        var concurrency = Admission.CallAdmission.AppliesTo(options)
            ? new Admission.CallAdmission(options.MaxConcurrentCalls, options.MaxConcurrentCallsPerCaller)
            : null;
        inner = new Admission.AdmissionStage(concurrency, Descriptors, stages) { InnerHandler = inner };

        _chain = new ProviderRoutingHandler(options, completion, timeProvider, logger, keysCheckedDownstream: upstream is not null) { InnerHandler = inner };
        _invoker = new HttpMessageInvoker(_chain, disposeHandler: false);
        Options = options;
    }

    /// <summary>
    /// The base address of clients from <see cref="CreateClient"/>, so relative routes such as
    /// <c>/v1/chat/completions</c> work; the router sends every call to the provider's real endpoint.
    /// </summary>
    public static Uri RelativeBase { get; } = new("https://router.ironruntime.invalid/");

    /// <summary>The options in force.</summary>
    public LlmRouterOptions Options { get; }

    /// <summary>The name of the response header that states an output limit imposed by a gate.</summary>
    public static string MaxTokensImposedHeader => ProviderRoutingHandler.ImposedHeaderName;

    internal ILlmCallCompletion Completion { get; }

    /// <summary>The file descriptors calls may hold, shared by in-process and proxied calls (issue #19).</summary>
    internal Admission.DescriptorBudget Descriptors { get; }

    /// <summary>
    /// An <see cref="HttpClient"/> whose calls go through the router attributed to <paramref name="callerId"/>.
    /// Give it to an official OpenAI or Anthropic SDK as its transport. Disposing it leaves the router intact.
    /// </summary>
    /// <param name="callerId">Who the calls are made by (an agent id), or null.</param>
    /// <returns>A new client sharing the router's connection pool.</returns>
    public HttpClient CreateClient(string? callerId = null)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        var client = new HttpClient(new CallerAttributionHandler(callerId, _chain), disposeHandler: false)
        {
            BaseAddress = RelativeBase,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        return client;
    }

    /// <summary>Sends one request through the router attributed to <paramref name="callerId"/> (used by the loopback proxy).</summary>
    /// <param name="request">The request, addressed to any host: the router rewrites it.</param>
    /// <param name="callerId">Who the call is made by, or null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The response: the provider's, or a provider-shaped error from the runtime.</returns>
    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, string? callerId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        if (request is RoutedRequestMessage routed)
        {
            routed.CallerId = callerId; // the loopback proxy's own message
        }
        else if (callerId is not null)
        {
            request.Options.Set(LlmCall.CallerKey, callerId);
        }

        return _invoker.SendAsync(request, cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _invoker.Dispose();

        // Our stages hold no resources; the primary handler is disposed only when the router owns it
        // (one from IHttpClientFactory belongs to the factory).
        if (_disposePrimary)
        {
            _chain.Dispose();
        }
    }
}
