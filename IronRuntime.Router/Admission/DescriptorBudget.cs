namespace IronRuntime.Router.Admission;

/// <summary>
/// The file descriptors the router's calls may hold at once, shared by in-process calls (one each: the provider's
/// connection) and proxied calls (two: the agent's connection too), with headroom that streams cannot take: when
/// open streams fill the process, a short non-streaming call is still served (issue #19).
/// </summary>
/// <remarks>
/// The budget is 2 × <see cref="ProxyCapacity.Calls"/> of this process's open-file limit (read again by
/// <see cref="Refresh"/> after the proxy raised the soft limit); streams may take all but
/// <see cref="Headroom"/> of it. Lock-free: one interlocked add to take, one to give back.
/// </remarks>
internal sealed class DescriptorBudget
{
    private long _limit;
    private long _streamLimit;
    private long _inUse;

    /// <summary>Creates a budget of <paramref name="descriptors"/> (or, when null, from this process's limit).</summary>
    /// <param name="descriptors">The descriptors calls may hold, or null to read the process's open-file limit.</param>
    public DescriptorBudget(long? descriptors = null)
    {
        if (descriptors is { } fixedLimit)
        {
            Set(fixedLimit);
        }
        else
        {
            Refresh();
        }
    }

    /// <summary>The descriptors calls may hold at once (<see cref="long.MaxValue"/> when the limit is unknown).</summary>
    public long Limit => Volatile.Read(ref _limit);

    /// <summary>The descriptors kept for non-streaming calls: 1 % of the budget, at least 8 and at most 256.</summary>
    public long Headroom => Limit == long.MaxValue ? 0 : Limit - Volatile.Read(ref _streamLimit);

    /// <summary>The descriptors held by calls in flight.</summary>
    public long InUse => Volatile.Read(ref _inUse);

    /// <summary>Reads this process's open-file limit again (after it was raised).</summary>
    public void Refresh()
    {
        ProxyCapacity capacity = ProxyCapacity.OfThisProcess();
        Set(capacity.Descriptors > 0 ? 2L * capacity.Calls : long.MaxValue);
    }

    /// <summary>Takes <paramref name="cost"/> descriptors for a call, or returns null when they are not there.</summary>
    /// <param name="cost">1 for an in-process call, 2 for a proxied one.</param>
    /// <param name="streaming">Whether the call streams (streams leave the headroom free).</param>
    /// <returns>The lease to dispose when the call ends, or null.</returns>
    public Lease? TryTake(int cost, bool streaming)
    {
        long cap = streaming ? Volatile.Read(ref _streamLimit) : Volatile.Read(ref _limit);
        if (cap == long.MaxValue)
        {
            return new Lease(this, 0);
        }

        if (Interlocked.Add(ref _inUse, cost) > cap)
        {
            Interlocked.Add(ref _inUse, -cost);
            return null;
        }

        return new Lease(this, cost);
    }

    /// <summary>Sets the budget to <paramref name="limit"/> descriptors (tests; the proxy uses <see cref="Refresh"/>).</summary>
    /// <param name="limit">The descriptors calls may hold.</param>
    internal void Resize(long limit) => Set(limit);

    private void Set(long limit)
    {
        long headroom = limit == long.MaxValue ? 0 : Math.Clamp(limit / 100, 8, 256);
        Volatile.Write(ref _streamLimit, limit == long.MaxValue ? long.MaxValue : Math.Max(1, limit - headroom));
        Volatile.Write(ref _limit, limit);
    }

    /// <summary>Descriptors held by one call; given back once.</summary>
    internal sealed class Lease(DescriptorBudget owner, int cost) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (cost != 0 && Interlocked.Exchange(ref _released, 1) == 0)
            {
                Interlocked.Add(ref owner._inUse, -cost);
            }
        }
    }
}
