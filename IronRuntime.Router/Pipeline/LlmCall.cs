namespace IronRuntime.Router;

/// <summary>
/// One LLM call flowing through the router: what was asked, where it went and what it cost in tokens.
/// Created by the router when a request enters the chain and completed exactly once.
/// </summary>
public sealed class LlmCall
{
    internal static readonly HttpRequestOptionsKey<string> CallerKey = new("IronRuntime.Caller");

    private int _completed;

    internal LlmCall(string? callerId, long startTimestamp)
    {
        CallerId = callerId;
        StartTimestamp = startTimestamp;
    }

    /// <summary>Who made the call (for the runtime: the agent id), or <see langword="null"/> when unattributed.</summary>
    public string? CallerId { get; }

    /// <summary>The provider the call goes to (after a failover: the provider that answered).</summary>
    public LlmProvider Provider { get; internal set; }

    /// <summary>The provider API used.</summary>
    public LlmApi Api { get; internal set; }

    /// <summary>
    /// The model as sent upstream (any <c>openai/</c> or <c>anthropic/</c> prefix removed). After a failover it is
    /// the model of the target that answered, so the call is priced at what really served it.
    /// </summary>
    public string Model { get; internal set; } = string.Empty;

    /// <summary>
    /// The models of the fallback targets this call may fail over to, in order; empty when it has none. A gate that
    /// reserves money should cover the dearest of <see cref="Model"/> and these.
    /// </summary>
    public IReadOnlyList<string> FallbackModels { get; internal set; } = [];

    /// <summary>
    /// The name of the provider endpoint that answered (<c>openai</c>, <c>anthropic</c>, or a configured endpoint),
    /// or <see langword="null"/> when no endpoint was tried.
    /// </summary>
    public string? Endpoint { get; internal set; }

    /// <summary>How many times the call was sent upstream, retries and failovers included.</summary>
    public int Attempts { get; internal set; }

    /// <summary>Whether the client asked for a server-sent-events stream.</summary>
    public bool IsStreaming { get; internal set; }

    /// <summary>The output-token limit the client asked for, or <see langword="null"/> when it set none.</summary>
    public long? RequestedMaxOutputTokens { get; internal set; }

    /// <summary>The output-token limit a gate imposed on a request that set none, or <see langword="null"/>.</summary>
    public long? ImposedMaxOutputTokens { get; internal set; }

    /// <summary>The output-token limit in force upstream: requested or imposed.</summary>
    public long? EffectiveMaxOutputTokens => RequestedMaxOutputTokens ?? ImposedMaxOutputTokens;

    /// <summary>What in the request can raise its bill beyond prompt and output tokens at the base prices.</summary>
    public LlmBillingFactors Billing { get; internal set; } = LlmBillingFactors.None;

    /// <summary>A safe upper bound of the prompt's tokens, computed from the request body.</summary>
    public long InputTokenBound { get; internal set; }

    /// <summary>The size of the request body in bytes.</summary>
    public long RequestBodyBytes { get; internal set; }

    /// <summary>The usage the provider reported (or, for a stream cut short, what was received).</summary>
    public TokenUsage Usage { get; internal set; }

    /// <summary>Whether <see cref="Usage"/> was reported by the provider (as opposed to estimated or absent).</summary>
    public bool UsageReported { get; internal set; }

    /// <summary>
    /// Whether <see cref="Usage"/> is (partly) the router's estimate: the provider answered but its usage never
    /// arrived (a stream aborted, cut or timed out; an answer cut after its headers). The prompt is then counted from
    /// the request and the output from what was forwarded.
    /// </summary>
    public bool UsageEstimated { get; internal set; }

    /// <summary>The model named in the response, when the provider named one.</summary>
    public string? ResponseModel { get; internal set; }

    /// <summary>The HTTP status the client received (0 when no response was produced).</summary>
    public int StatusCode { get; internal set; }

    /// <summary>How the call ended.</summary>
    public LlmCallOutcome Outcome { get; internal set; }

    /// <summary>The <see cref="TimeProvider.GetTimestamp"/> value at which the call entered the router.</summary>
    public long StartTimestamp { get; }

    /// <summary>The elapsed time from entry to completion; zero until completed.</summary>
    public TimeSpan Duration { get; internal set; }

    /// <summary>The lease the request gate granted (null when there is no gate or it was not asked), completed by the router when the call ends.</summary>
    public ILlmCallLease? Lease { get; internal set; }

    /// <summary>
    /// The call's cost in US dollars as the gate's lease settled it (<see cref="ILlmCallLease.Complete"/> sets it), so that
    /// every observer reports the same figure without pricing the call again; null when nothing settled a cost.
    /// </summary>
    public decimal? SettledCost { get; set; }

    /// <summary>The call's slot under the concurrency limits, given back when the call completes; null when none applies.</summary>
    internal IDisposable? AdmissionSlot { get; set; }

    /// <summary>The body as it will be sent upstream.</summary>
    internal ReadOnlyMemory<byte> Body { get; set; }

    /// <summary>The call's trace activity, when someone listens.</summary>
    internal System.Diagnostics.Activity? Activity { get; set; }

    /// <summary>The parsed request, for the stages before the answer; dropped once a streamed answer's headers arrived.</summary>
    internal Requests.LlmRequestInfo? Request { get; set; }

    /// <summary>Whether errors for this call take Anthropic's shape.</summary>
    internal bool AnthropicErrorShape { get; set; }

    /// <summary>Whether the router asked the provider for streamed usage the client did not ask for.</summary>
    internal bool InjectedStreamUsage { get; set; }

    /// <summary>The targets the upstream stage may send the call to, chosen before the gate; null without an <see cref="ILlmUpstreamPolicy"/>.</summary>
    internal LlmUpstreamRoute? Route { get; set; }

    /// <summary>The idle and whole-call limits of a streamed answer, set by the resilience stage; null for none.</summary>
    internal Streaming.StreamTimeouts? StreamTimeouts { get; set; }

    /// <summary>Whether a provider answered this call with a success status (its headers arrived).</summary>
    internal bool ProviderAnswered { get; set; }

    /// <summary>Whether the router ended the call's stream because its idle or whole-call limit ran out.</summary>
    public bool StreamTimedOut { get; internal set; }

    /// <summary>Success answers of earlier attempts whose body was cut before their usage (each billed its prompt).</summary>
    internal int UnreportedAnswers { get; set; }

    /// <summary>
    /// Output tokens estimated for answers cut after their headers before their usage (non-streamed bodies cut or
    /// garbled, see <see cref="Usage.PartialAnswerText"/>), each already capped by <see cref="CapOutputTokens"/>.
    /// </summary>
    internal long UnreportedOutputTokens { get; set; }

    /// <summary>
    /// Caps an output estimate at what the provider can generate for the request: the output limit in force (or the
    /// thinking budget, if larger) times the choices; unchanged when no limit is known.
    /// </summary>
    internal long CapOutputTokens(long tokens)
        => EffectiveMaxOutputTokens is { } limit
            ? Math.Min(tokens, Math.Max(limit, Billing.ThinkingBudgetTokens ?? 0) * Math.Max(1, Billing.Choices))
            : tokens;

    /// <summary>The fixed token bound of the prompt's image and file parts.</summary>
    internal long PartsTokenBound { get; set; }

    private long _promptTokens = -2;

    /// <summary>
    /// Lets go of the request body once the provider reported the prompt's tokens (an Anthropic stream's
    /// <c>message_start</c>) and no earlier attempt needs it charged: from then on nothing reads the body — the
    /// prompt count it feeds (<see cref="PromptTokens"/>) is used only for an answer whose usage carried no input, or
    /// for attempts cut before this one. An open stream then no longer keeps a prompt of tens of KB alive.
    /// </summary>
    internal void ReleaseBodyOnceInputReported()
    {
        if (Usage.InputTokens > 0 && UnreportedAnswers == 0 && !Body.IsEmpty)
        {
            Body = default;
            if (_promptTokens == -2)
            {
                _promptTokens = -1; // not counted from a body no longer held; never needed once the input is reported
            }
        }
    }

    /// <summary>The prompt's tokens counted with the model family's tokenizer (cached), or null without one.</summary>
    internal long? PromptTokens()
    {
        if (_promptTokens == -2)
        {
            _promptTokens = Requests.PromptTokenCounter.Count(Body.Span, Api, Model) ?? -1;
        }

        return _promptTokens >= 0 ? _promptTokens : null;
    }

    /// <summary>
    /// Lowers <see cref="InputTokenBound"/> to the tokenizer's count (plus the parts' bounds) when that is smaller;
    /// false when there is no tokenizer for the model, or the prompt carries audio, or the count is not smaller.
    /// A gate calls it when the byte bound does not fit: tokenizing costs more than the bound, so it is done only then.
    /// </summary>
    /// <returns>True when the bound was lowered.</returns>
    public bool TryTightenInputTokenBound()
    {
        if (Billing.HasAudioInput || PromptTokens() is not { } tokens || tokens + PartsTokenBound >= InputTokenBound)
        {
            return false;
        }

        InputTokenBound = tokens + PartsTokenBound;
        return true;
    }

    /// <summary>The prompt tokens to charge when the provider never reported them: the count, else the bound.</summary>
    internal long EstimatedPromptTokens => !Billing.HasAudioInput && PromptTokens() is { } tokens ? tokens + PartsTokenBound : InputTokenBound;

    /// <summary>Marks the call complete; true only for the first caller.</summary>
    internal bool TryMarkCompleted() => Interlocked.Exchange(ref _completed, 1) == 0;

    /// <summary>Whether the call has completed.</summary>
    public bool IsCompleted => Volatile.Read(ref _completed) == 1;
}
