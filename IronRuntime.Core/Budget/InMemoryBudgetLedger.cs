using System.Collections.Concurrent;

namespace IronRuntime.Budget;

/// <summary>
/// The default ledger: accounts in memory, one lock. Every reservation touches the global account, so a single
/// short critical section is both the simplest and the fastest exact design (no overspend, no lost update).
/// </summary>
internal sealed class InMemoryBudgetLedger : IBudgetLedger
{
    private readonly Lock _lock = new();
    private readonly Account _global = new(null);
    private readonly ConcurrentDictionary<string, Account> _agents = new(StringComparer.Ordinal);
    private readonly decimal[] _thresholds;
    private readonly TimeProvider _timeProvider;

    public InMemoryBudgetLedger(IEnumerable<decimal> alertThresholds, TimeProvider timeProvider)
    {
        _thresholds = alertThresholds.Order().ToArray();
        _timeProvider = timeProvider;
        _global.ResetAlerts(_thresholds);
    }

    public event EventHandler<BudgetAlert>? ThresholdCrossed;

    public bool TryReserve(string? agentId, decimal fixedCost, decimal unitCost, long minUnits, long maxUnits, out BudgetReservation reservation)
    {
        var agent = agentId is null ? null : GetAccount(agentId);
        lock (_lock)
        {
            long units = Affordable(_global, fixedCost, unitCost, minUnits, maxUnits);
            if (agent is not null && units >= minUnits)
            {
                units = Affordable(agent, fixedCost, unitCost, minUnits, units);
            }

            if (units < minUnits || units < 0)
            {
                reservation = default;
                return false;
            }

            decimal amount = fixedCost + (units * unitCost);
            _global.Reserved += amount;
            if (agent is not null)
            {
                agent.Reserved += amount;
            }

            reservation = new BudgetReservation(agent, amount, units);
            return true;
        }
    }

    public void Settle(in BudgetReservation reservation, decimal actualCost)
    {
        var agent = (Account?)reservation.AgentAccount;
        BudgetAlert? globalAlert = null, agentAlert = null;
        lock (_lock)
        {
            _global.Reserved -= reservation.Amount;
            _global.Spent += actualCost;
            if (_global.Spent >= _global.NextAlertAt)
            {
                globalAlert = _global.TakeAlert(_thresholds, _timeProvider);
            }

            if (agent is not null)
            {
                agent.Reserved -= reservation.Amount;
                agent.Spent += actualCost;
                if (agent.Spent >= agent.NextAlertAt)
                {
                    agentAlert = agent.TakeAlert(_thresholds, _timeProvider);
                }
            }
        }

        if (globalAlert is not null)
        {
            ThresholdCrossed?.Invoke(this, globalAlert);
        }

        if (agentAlert is not null)
        {
            ThresholdCrossed?.Invoke(this, agentAlert);
        }
    }

    public void Charge(string? agentId, decimal amount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(amount);
        Settle(new BudgetReservation(agentId is null ? null : GetAccount(agentId), 0m, 0), amount);
    }

    public void SetLimit(string? agentId, decimal? limit)
    {
        if (limit < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, "A budget limit cannot be negative.");
        }

        var account = agentId is null ? _global : GetAccount(agentId);
        lock (_lock)
        {
            account.Limit = limit;
            account.ResetAlerts(_thresholds);
        }
    }

    public BudgetSnapshot GetSnapshot(string? agentId)
    {
        var account = agentId is null ? _global : _agents.GetValueOrDefault(agentId);
        if (account is null)
        {
            return new BudgetSnapshot(agentId, null, 0m, 0m);
        }

        lock (_lock)
        {
            return new BudgetSnapshot(agentId, account.Limit, account.Spent, account.Reserved);
        }
    }

    public bool HasLimit(string? agentId)
        => _global.Limit is not null || (agentId is not null && _agents.TryGetValue(agentId, out var a) && a.Limit is not null);

    private Account GetAccount(string agentId)
    {
        if (_agents.TryGetValue(agentId, out var account))
        {
            return account;
        }

        var created = new Account(agentId);
        created.ResetAlerts(_thresholds);
        return _agents.GetOrAdd(agentId, created);
    }

    /// <summary>The most units in [min, max] the account affords, or -1.</summary>
    private static long Affordable(Account account, decimal fixedCost, decimal unitCost, long minUnits, long maxUnits)
    {
        if (account.Limit is not { } limit)
        {
            return maxUnits;
        }

        decimal room = limit - account.Spent - account.Reserved - fixedCost;
        if (room < 0m)
        {
            return -1;
        }

        if (unitCost <= 0m || maxUnits * unitCost <= room)
        {
            return maxUnits;
        }

        if (minUnits == maxUnits)
        {
            return -1;
        }

        decimal affordable = decimal.Floor(room / unitCost);
        return affordable >= maxUnits ? maxUnits : (long)affordable;
    }

    private sealed class Account(string? agentId)
    {
        private int _nextThreshold;

        public string? AgentId { get; } = agentId;

        public decimal? Limit { get; set; }

        public decimal Spent { get; set; }

        public decimal Reserved { get; set; }

        /// <summary>The spend at which the next alert fires; decimal.MaxValue when none is due.</summary>
        public decimal NextAlertAt { get; private set; } = decimal.MaxValue;

        public void ResetAlerts(decimal[] thresholds)
        {
            _nextThreshold = 0;
            if (Limit is { } limit)
            {
                while (_nextThreshold < thresholds.Length && Spent >= limit * thresholds[_nextThreshold])
                {
                    _nextThreshold++;
                }
            }

            UpdateNext(thresholds);
        }

        /// <summary>Consumes every threshold crossed and returns one alert for the highest.</summary>
        public BudgetAlert TakeAlert(decimal[] thresholds, TimeProvider timeProvider)
        {
            decimal limit = Limit!.Value;
            decimal crossed = 0m;
            while (_nextThreshold < thresholds.Length && Spent >= limit * thresholds[_nextThreshold])
            {
                crossed = thresholds[_nextThreshold++];
            }

            UpdateNext(thresholds);
            return new BudgetAlert(AgentId, crossed, Spent, limit, timeProvider.GetUtcNow());
        }

        private void UpdateNext(decimal[] thresholds)
            => NextAlertAt = Limit is { } limit && _nextThreshold < thresholds.Length ? limit * thresholds[_nextThreshold] : decimal.MaxValue;
    }
}
