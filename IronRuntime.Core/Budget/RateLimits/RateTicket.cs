namespace IronRuntime.Budget.RateLimits;

/// <summary>
/// What an admitted call holds of the rate limits: one request and <see cref="Tokens"/> tokens in the window it was
/// admitted in. Given back whole when the call is refused for money; its tokens corrected when the output limit is
/// known (the reservation) and again to the reported usage when the call ends.
/// </summary>
internal abstract class RateTicket
{
    private int _closed;

    protected RateTicket(long tokens) => Tokens = tokens;

    /// <summary>The tokens the call counts now.</summary>
    public long Tokens { get; private set; }

    /// <summary>Gives back the request and the tokens (the call was not sent). Once; later calls do nothing.</summary>
    public void Release()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            Give(-1, -Tokens);
        }
    }

    /// <summary>Counts <paramref name="tokens"/> instead of what the call counted so far (within its window).</summary>
    public void Recount(long tokens)
    {
        if (Volatile.Read(ref _closed) != 0 || tokens == Tokens)
        {
            return;
        }

        long delta = tokens - Tokens;
        Tokens = tokens;
        Give(0, delta);
    }

    /// <summary>The call ended having used <paramref name="tokens"/> tokens: counts those, once.</summary>
    public void Settle(long tokens)
    {
        Recount(tokens);
        Interlocked.Exchange(ref _closed, 1);
    }

    /// <summary>Changes what the call holds by <paramref name="requests"/> and <paramref name="tokens"/> in its window.</summary>
    protected abstract void Give(long requests, long tokens);
}
