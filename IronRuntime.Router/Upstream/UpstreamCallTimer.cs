using Polly;
using Polly.Timeout;

namespace IronRuntime.Router.Upstream;

/// <summary>
/// The two time limits of one call through <see cref="UpstreamStage"/> — the whole call (<see cref="LlmUpstreamTimeouts.Total"/>)
/// and each attempt's wait for its answer (<see cref="LlmUpstreamTimeouts.FirstByte"/>) — on one armed timer at a time,
/// with the outcomes of the two Polly timeout strategies they replace (total around the targets, attempt timeout
/// innermost in each endpoint's pipeline).
/// </summary>
/// <remarks>
/// <para>
/// An attempt runs on <see cref="_attempt"/>, armed for whichever limit ends first: the first byte, or what is left of
/// the whole call. Cut by the first-byte limit, its <see cref="OperationCanceledException"/> becomes Polly's
/// <see cref="TimeoutRejectedException"/> (a failure the breaker and the retry see, as before); cut by the whole call's
/// limit, the cancellation goes up as it is and the call ends with the total timeout's 504.
/// </para>
/// <para>
/// <see cref="_call"/> is the token the endpoints' pipelines see (their retry waits on it). It is armed only once an
/// attempt did not end in a success, or before a translation: while the first attempt is in flight, its own timer
/// already ends it no later than the whole call's limit, so a call answered at once arms one timer, not two.
/// </para>
/// <para>
/// The whole call's limit counts from the start of the first attempt, microseconds after the stage is entered
/// (only synchronous work comes between): one clock read per call.
/// </para>
/// One instance per thread is reused when neither token was cancelled (the way Polly pools its sources).
/// </remarks>
internal sealed class UpstreamCallTimer
{
    [ThreadStatic]
    private static UpstreamCallTimer? t_cached;

    private static readonly Action<object?> CancelSource = static s => ((CancellationTokenSource)s!).Cancel();

    private readonly TimeProvider _time;
    private CancellationTokenSource _call;
    private CancellationTokenSource _attempt;
    private CancellationTokenRegistration _callLink;
    private CancellationTokenRegistration _attemptLink;
    private CancellationToken _caller;
    private TimeSpan _firstByte;
    private TimeSpan _total;
    private long _deadline; // 0 until the first attempt starts; long.MaxValue without a total limit
    private bool _callArmed;
    private bool _attemptForTotal;
    private bool _totalExpired;
    private bool _reusable;

    private UpstreamCallTimer(TimeProvider time)
    {
        _time = time;
        _call = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        _attempt = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
    }

    /// <summary>The token of the endpoints' pipelines: cancelled by the caller or, once armed, by the whole call's limit.</summary>
    public CancellationToken CallToken => _call.Token;

    /// <summary>Whether the whole call's limit has passed (and the caller did not cancel first).</summary>
    public bool TotalExpired => !_caller.IsCancellationRequested
        && (_totalExpired || (_callArmed && _call.IsCancellationRequested));

    /// <summary>The thread's timer (or a new one) for a call cancelled by <paramref name="caller"/>; its clock starts with the first attempt.</summary>
    public static UpstreamCallTimer Start(TimeProvider time, LlmUpstreamTimeouts timeouts, CancellationToken caller)
    {
        var timer = t_cached is { } cached && ReferenceEquals(cached._time, time) ? cached : new UpstreamCallTimer(time);
        t_cached = null;
        timer._caller = caller;
        timer._firstByte = timeouts.FirstByte;
        timer._total = timeouts.Total;
        timer._deadline = 0;
        timer._callArmed = false;
        timer._totalExpired = false;
        timer._reusable = true;
        return timer;
    }

    /// <summary>
    /// Arms the timer for an attempt; false (with the cancellation to report) when the caller already cancelled or the
    /// whole call's limit has passed — the check Polly makes before each attempt.
    /// </summary>
    public bool TryStartAttempt(out CancellationToken token, out OperationCanceledException? cancelled)
    {
        cancelled = null;
        if (_caller.IsCancellationRequested)
        {
            token = _caller;
            cancelled = new OperationCanceledException(_caller);
            return false;
        }

        // The whole call's limit counts from the first attempt (nothing before it in this stage waits): one clock
        // read per call, and the whole limit left for that attempt.
        TimeSpan left = _deadline == 0 ? StartDeadline() : Left();
        if (left == TimeSpan.Zero)
        {
            _totalExpired = true;
            token = _call.Token;
            cancelled = new OperationCanceledException();
            return false;
        }

        // On a tie the whole call's limit wins, as the outer Polly timeout did (its timer was armed first).
        _attemptForTotal = left != Timeout.InfiniteTimeSpan && (_firstByte == Timeout.InfiniteTimeSpan || left <= _firstByte);
        TimeSpan delay = _attemptForTotal ? left : _firstByte;
        if (delay == Timeout.InfiniteTimeSpan)
        {
            token = _caller;
            return true;
        }

        _attempt.CancelAfter(delay);
        if (_caller.CanBeCanceled)
        {
            _attemptLink = _caller.UnsafeRegister(CancelSource, _attempt);
        }

        token = _attempt.Token;
        return true;
    }

    /// <summary>
    /// Ends an attempt: a cancellation caused by the first-byte limit becomes <see cref="TimeoutRejectedException"/>;
    /// a cut by the whole call's limit is remembered. Arms the call's token unless the attempt answered with a success.
    /// </summary>
    public Outcome<HttpResponseMessage> EndAttempt(Outcome<HttpResponseMessage> outcome)
    {
        _attemptLink.Dispose();
        _attemptLink = default;
        if (!_attempt.TryReset())
        {
            // Cut: by the caller, or by the limit the attempt was armed for. A cancelled source is never reused.
            _attempt = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _time);
            if (!_caller.IsCancellationRequested)
            {
                if (_attemptForTotal)
                {
                    _totalExpired = true;
                }
                else if (outcome.Exception is OperationCanceledException cut && Left() != TimeSpan.Zero)
                {
                    outcome = Outcome.FromException<HttpResponseMessage>(new TimeoutRejectedException(
                        $"The operation didn't complete within the allowed timeout of '{_firstByte}'.", _firstByte, cut));
                }
            }
        }

        if (outcome.Exception is not null || outcome.Result is not { IsSuccessStatusCode: true })
        {
            ArmCall();
        }

        return outcome;
    }

    /// <summary>
    /// Makes <see cref="CallToken"/> follow the caller and the whole call's limit (before a retry's wait, another
    /// target, a translation). The deadline is the one set at the start.
    /// </summary>
    public void ArmCall()
    {
        if (_callArmed)
        {
            return;
        }

        _callArmed = true;
        if (_deadline == 0)
        {
            StartDeadline();
        }

        if (_caller.CanBeCanceled)
        {
            _callLink = _caller.UnsafeRegister(CancelSource, _call);
        }

        TimeSpan left = Left();
        if (left == Timeout.InfiniteTimeSpan)
        {
            return;
        }

        if (left == TimeSpan.Zero)
        {
            _totalExpired = true;
            _call.Cancel();
            return;
        }

        _call.CancelAfter(left);
    }

    /// <summary>The call's token may live on after the call (a translated stream): its source is then never reused.</summary>
    public void KeepCallToken() => _reusable = false;

    /// <summary>Ends the call; the timer goes back to the thread when neither source was cancelled.</summary>
    public void Return()
    {
        _callLink.Dispose();
        _callLink = default;
        _caller = default;
        if (_reusable && _call.TryReset())
        {
            t_cached = this;
        }
    }

    /// <summary>What is left of the whole call's limit, rounded up to the millisecond (timers count whole ones); infinite without one.</summary>
    private TimeSpan Left()
    {
        if (_deadline == long.MaxValue)
        {
            return Timeout.InfiniteTimeSpan;
        }

        long left = _deadline - _time.GetTimestamp();
        if (left <= 0)
        {
            return TimeSpan.Zero;
        }

        double ms = Math.Ceiling(left * 1000.0 / _time.TimestampFrequency);
        return TimeSpan.FromMilliseconds(ms);
    }

    /// <summary>Sets the deadline from now; returns the whole limit (infinite without one).</summary>
    private TimeSpan StartDeadline()
    {
        if (_total == Timeout.InfiniteTimeSpan)
        {
            _deadline = long.MaxValue;
            return Timeout.InfiniteTimeSpan;
        }

        long now = _time.GetTimestamp();
        double ticks = _total.TotalSeconds * _time.TimestampFrequency;
        _deadline = ticks >= long.MaxValue - now ? long.MaxValue : now + (long)ticks;
        return _total;
    }
}
