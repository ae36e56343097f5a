using System.Globalization;

namespace IronRuntime.Budget.Redis;

/// <summary>
/// The opt-in local allowance: while Redis cannot be reached, an instance may hold and spend up to
/// <see cref="RedisBudgetOptions.LocalAllowance"/> on its own. What such calls cost is charged to Redis (once, by
/// charge id) when it answers again, and leaves the allowance then.
/// </summary>
internal sealed partial class RedisBudgetLedger
{
    private readonly Lock _localLock = new();
    private long _localHeld;
    private long _localUnflushed;

    /// <summary>Units held or spent locally and not yet written to Redis.</summary>
    internal long LocalOutstanding
    {
        get
        {
            lock (_localLock)
            {
                return _localHeld + _localUnflushed;
            }
        }
    }

    private bool TryReserveLocally(string? agentId, long fixedUnits, long unitUnits, long minUnits, long maxUnits, Exception cause, out BudgetReservation reservation)
    {
        if (_options.LocalAllowance is not { } allowance)
        {
            RedisBudgetLog.Unavailable(_logger, cause);
            throw new BudgetUnavailableException("The Redis budget ledger cannot be reached.", cause);
        }

        long limit = RedisMoney.ToUnits(allowance);
        long units;
        long amount;
        lock (_localLock)
        {
            long room = limit - _localHeld - _localUnflushed - fixedUnits;
            units = room < 0 ? -1
                : unitUnits <= 0 || maxUnits * unitUnits <= room ? maxUnits
                : minUnits == maxUnits ? -1
                : Math.Min(maxUnits, room / unitUnits);
            if (units < 0 || units < minUnits)
            {
                reservation = default;
                return false;
            }

            amount = fixedUnits + (units * unitUnits);
            _localHeld += amount;
        }

        RedisBudgetLog.LocalAllowanceUsed(_logger, RedisMoney.ToUsd(LocalOutstanding), allowance);
        string id = string.Create(CultureInfo.InvariantCulture, $"{_instanceId}:local:{Interlocked.Increment(ref _nextLease)}");
        reservation = new BudgetReservation(new RedisLease(id, agentId, amount, Local: true), RedisMoney.ToUsd(amount), units);
        return true;
    }

    private void SettleLocally(RedisLease lease, long actual)
    {
        lock (_localLock)
        {
            _localHeld -= lease.Units;
            _localUnflushed += actual;
        }

        _deferred.Enqueue(new Deferred(lease, actual));
    }
}
