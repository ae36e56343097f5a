using System.ComponentModel.DataAnnotations;
using IronRuntime.Router;

namespace IronRuntime.Resilience;

/// <summary>
/// How the runtime protects agents from failing providers: one circuit breaker per provider endpoint, retries before
/// the first response byte, timeouts, and failover to other endpoints or the other provider. Bound from
/// <c>IronRuntime:Resilience</c>; changed in code with <c>ConfigureResilience</c> and <c>AddFailover</c>.
/// </summary>
/// <remarks>
/// A failure, for breakers and retries, is a 5xx or 408 or 429 answer, a timeout or a connection error; other 4xx
/// answers are the caller's problem and never trip a breaker. Set a timeout to <see cref="Timeout.InfiniteTimeSpan"/>
/// to turn it off.
/// </remarks>
public sealed class ResilienceOptions
{
    /// <summary>The name of the built-in OpenAI endpoint (<c>Router:OpenAI</c>).</summary>
    public const string OpenAIEndpoint = "openai";

    /// <summary>The name of the built-in Anthropic endpoint (<c>Router:Anthropic</c>).</summary>
    public const string AnthropicEndpoint = "anthropic";

    /// <summary>The failover key that applies to every model without a route of its own.</summary>
    public const string AnyModel = "*";

    /// <summary>Whether the resilience stage is on (default true). Off: calls go straight to the provider, once.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The share of failed calls in the sampling window that opens an endpoint's breaker, in (0, 1] (default 0.5).</summary>
    [Range(0.0, 1.0, MinimumIsExclusive = true)]
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>The window over which the failure ratio is measured (default 30 s; at least 0.5 s).</summary>
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The fewest calls in the window before the breaker may open (default 10; at least 2).</summary>
    [Range(2, int.MaxValue)]
    public int MinimumThroughput { get; set; } = 10;

    /// <summary>How long an open breaker fails calls fast before it lets one probe through (default 30 s; at least 0.5 s).</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries on the same endpoint after a failure, before the first response byte (default 2; 0 for none).</summary>
    [Range(0, 10)]
    public int MaxRetryAttempts { get; set; } = 2;

    /// <summary>The first retry's delay; later ones grow exponentially, with jitter (default 1 s).</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The longest wait a <c>Retry-After</c> (or <c>retry-after-ms</c>) on 429/503 may impose, and the cap of the backoff
    /// (default 20 s). A longer <c>Retry-After</c> is not waited for: the call fails over, or the answer goes back to the agent.
    /// </summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>The longest wait for a TCP/TLS connection to a provider (default 10 s).</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The longest wait, per attempt, for the provider's answer to start: the response headers of a stream, the whole
    /// body of a non-streaming answer (default 100 s). Raise it for long non-streaming generations.
    /// </summary>
    public TimeSpan FirstByteTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>The longest gap between two reads of a streamed answer; the stream then ends with an error event (default 60 s).</summary>
    public TimeSpan StreamIdleTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The longest a whole call may take, retries, failovers and streaming included (default 10 min).</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Further provider endpoints by name (for example a second region, or a gateway in front of a provider), usable as
    /// failover targets. <c>openai</c> and <c>anthropic</c> are built in.
    /// </summary>
    public Dictionary<string, ResilienceEndpointOptions> Endpoints { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Ordered fallback targets per model (as sent upstream, without an <c>openai/</c> or <c>anthropic/</c> prefix), or
    /// <see cref="AnyModel"/> for every other model. When the endpoint a call goes to fails in a way that allows it
    /// (open breaker, 5xx, 429, timeout or connection error before the first byte) the call moves to the next target.
    /// </summary>
    public Dictionary<string, List<FailoverTarget>> Failover { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
