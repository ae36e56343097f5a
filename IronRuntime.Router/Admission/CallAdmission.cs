using System.Collections.Concurrent;

namespace IronRuntime.Router.Admission;

/// <summary>
/// Counts the calls in flight, in all and per caller, against <see cref="LlmRouterOptions.MaxConcurrentCalls"/> and
/// <see cref="LlmRouterOptions.MaxConcurrentCallsPerCaller"/>. A call holds its slot from admission until it completes
/// (for a stream: until its last event was read, or it was cut short); <see cref="Slot.Dispose"/> gives it back once.
/// </summary>
/// <remarks>Lock-free: one interlocked add on the global counter and one on the caller's; a caller's counter is
/// removed when it drops to zero, so the map holds only callers with calls in flight.</remarks>
internal sealed class CallAdmission
{
    private readonly int _maxCalls;
    private readonly int _maxPerCaller;
    private readonly ConcurrentDictionary<string, StrongBox> _perCaller = new(StringComparer.Ordinal);
    private int _inFlight;

    public CallAdmission(int? maxCalls, int? maxPerCaller)
    {
        _maxCalls = maxCalls ?? int.MaxValue;
        _maxPerCaller = maxPerCaller ?? int.MaxValue;
    }

    /// <summary>Whether any limit applies (otherwise the stage is left out of the chain).</summary>
    public static bool AppliesTo(LlmRouterOptions options) => options.MaxConcurrentCalls is not null || options.MaxConcurrentCallsPerCaller is not null;

    /// <summary>Calls in flight now.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Takes a slot for a call of <paramref name="callerId"/>, or says which limit is reached.</summary>
    public Slot? TryEnter(string? callerId, out AdmissionRefusal refusal)
    {
        if (Interlocked.Increment(ref _inFlight) > _maxCalls)
        {
            Interlocked.Decrement(ref _inFlight);
            refusal = new AdmissionRefusal(false, _maxCalls);
            return null;
        }

        StrongBox? box = null;
        if (callerId is not null && _maxPerCaller != int.MaxValue)
        {
            while (true)
            {
                box = _perCaller.GetOrAdd(callerId, static _ => new StrongBox());
                int count = Interlocked.Increment(ref box.Value);
                if (count <= 0)
                {
                    continue; // a retired box (see Release): take a fresh one
                }

                if (count > _maxPerCaller)
                {
                    Release(callerId, box);
                    Interlocked.Decrement(ref _inFlight);
                    refusal = new AdmissionRefusal(true, _maxPerCaller);
                    return null;
                }

                break;
            }
        }

        refusal = default;
        return new Slot(this, callerId, box);
    }

    private void Release(string callerId, StrongBox box)
    {
        if (Interlocked.Decrement(ref box.Value) == 0
            && Interlocked.CompareExchange(ref box.Value, int.MinValue / 2, 0) == 0)
        {
            // Retired: a caller racing on this box sees a non-positive count and takes a fresh one.
            _perCaller.TryRemove(new KeyValuePair<string, StrongBox>(callerId, box));
        }
    }

    /// <summary>One admitted call's slot.</summary>
    internal sealed class Slot : IDisposable
    {
        private CallAdmission? _owner;
        private readonly string? _callerId;
        private readonly StrongBox? _box;

        public Slot(CallAdmission owner, string? callerId, StrongBox? box)
        {
            _owner = owner;
            _callerId = callerId;
            _box = box;
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _owner, null) is not { } owner)
            {
                return;
            }

            if (_box is not null)
            {
                owner.Release(_callerId!, _box);
            }

            Interlocked.Decrement(ref owner._inFlight);
        }
    }

    /// <summary>A counter boxed so that it can be updated with interlocked operations.</summary>
    internal sealed class StrongBox
    {
        public int Value;
    }
}
