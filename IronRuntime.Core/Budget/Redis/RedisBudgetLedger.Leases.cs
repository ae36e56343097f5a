using System.Collections.Concurrent;
using StackExchange.Redis;

namespace IronRuntime.Budget.Redis;

/// <summary>Lease renewal, the sweep of expired leases, and settlements deferred while Redis was away.</summary>
internal sealed partial class RedisBudgetLedger
{
    private readonly ConcurrentDictionary<string, RedisLease> _live = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<Deferred> _deferred = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _maintaining = new(1, 1);
    private readonly Task _loop;

    /// <summary>The leases this instance holds in Redis (calls alive, or settled while Redis was away).</summary>
    internal int LiveLeases => _live.Count;

    private TimeSpan RenewInterval => _options.RenewInterval ?? _options.LeaseDuration / 3;

    /// <summary>
    /// Renews the live leases, charges expired ones, and writes deferred settlements: what the loop does every
    /// <see cref="RedisBudgetOptions.RenewInterval"/>. Returns the number of deferred items still waiting.
    /// </summary>
    internal async Task<int> MaintainAsync()
    {
        await _maintaining.WaitAsync().ConfigureAwait(false);
        try
        {
            return await MaintainOnceAsync().ConfigureAwait(false);
        }
        finally
        {
            _maintaining.Release();
        }
    }

    private async Task<int> MaintainOnceAsync()
    {
        await FlushDeferredAsync().ConfigureAwait(false);
        string[] ids = [.. _live.Keys];
        const int Batch = 1000;
        int offset = 0;
        do
        {
            int count = Math.Min(Batch, ids.Length - offset);
            var args = new RedisValue[3 + count];
            args[0] = _ttlMs;
            args[1] = _leasePrefix;
            args[2] = _chargeExpired;
            for (int i = 0; i < count; i++)
            {
                args[3 + i] = ids[offset + i];
            }

            var charged = (long)await Db.ScriptEvaluateAsync(RedisBudgetScripts.RenewAndSweep, [_leases], args).ConfigureAwait(false);
            if (charged > 0)
            {
                RedisBudgetLog.ExpiredCharged(_logger, charged);
            }

            offset += count;
        }
        while (offset < ids.Length);
        await RefreshLimitsAsync().ConfigureAwait(false);
        return _deferred.Count;
    }

    private async Task RunLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(RenewInterval, _timeProvider);
        try
        {
            try
            {
                // The fleet's limits at once, not a renew interval later.
                await RefreshLimitsAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (IsUnavailable(ex))
            {
                RedisBudgetLog.Unavailable(_logger, ex);
            }

            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    await MaintainAsync().ConfigureAwait(false);
                }
                catch (Exception ex) when (IsUnavailable(ex))
                {
                    RedisBudgetLog.RenewFailed(_logger, _options.LeaseDuration.TotalSeconds, ex);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task FlushDeferredAsync()
    {
        int written = 0;
        while (_deferred.TryPeek(out var item))
        {
            var db = Db;
            RedisResult result;
            if (item.Lease.Local)
            {
                string period = CurrentPeriod();
                result = await db.ScriptEvaluateAsync(RedisBudgetScripts.Charge,
                    new ChargeArgs(AccountKey(null, period), AccountKey(item.Lease.AgentId, period), _charged, item.Lease.Id, item.Actual)).ConfigureAwait(false);
                lock (_localLock)
                {
                    _localUnflushed -= item.Actual;
                }
            }
            else
            {
                result = await db.ScriptEvaluateAsync(RedisBudgetScripts.Settle, new SettleArgs((RedisKey)(_leasePrefix + item.Lease.Id), _leases, item.Lease.Id, item.Actual)).ConfigureAwait(false);
                _live.TryRemove(item.Lease.Id, out _);
            }

            _deferred.TryDequeue(out _);
            RaiseAlerts(item.Lease.AgentId, result, item.Actual);
            written++;
        }

        if (written > 0)
        {
            RedisBudgetLog.DeferredFlushed(_logger, written);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _redis.ConnectionRestored -= OnConnectionRestored;
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        try
        {
            await WhenSettledAsync().ConfigureAwait(false);
            await MaintainAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            // Left to expire: their leases are charged at the worst case by the next instance that sweeps.
            RedisBudgetLog.Unavailable(_logger, ex);
        }

        _stop.Dispose();
        _maintaining.Dispose();
        if (_ownsConnection)
        {
            await _redis.DisposeAsync().ConfigureAwait(false);
        }
    }

    private readonly record struct Deferred(RedisLease Lease, long Actual);

    private sealed record ChargeArgs(RedisKey Global, RedisKey Agent, RedisKey Done, string ChargeId, long Amount);
}
