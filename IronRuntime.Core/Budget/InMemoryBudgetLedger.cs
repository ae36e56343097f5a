using System.Collections.Concurrent;
using IronRuntime.Budget.Periods;

namespace IronRuntime.Budget;

/// <summary>
/// The default ledger: accounts in memory, one lock. Every reservation touches the global account, so a single
/// short critical section is both the simplest and the fastest exact design (no overspend, no lost update).
/// With a <see cref="BudgetPeriod"/> the accounts of each period are new ones (see the Periods part).
/// </summary>
internal sealed partial class InMemoryBudgetLedger : IBudgetLedger
{
    private readonly Lock _lock = new();
    private readonly ConcurrentDictionary<string, decimal?> _agentLimits = new(StringComparer.Ordinal);
    private readonly decimal[] _thresholds;
    private readonly TimeProvider _timeProvider;
    private Account _global = new(null, null);
    private ConcurrentDictionary<string, Account> _agents = new(StringComparer.Ordinal);

    public InMemoryBudgetLedger(IEnumerable<decimal> alertThresholds, TimeProvider timeProvider, BudgetPeriod period = BudgetPeriod.None, TimeZoneInfo? zone = null)
    {
        _thresholds = alertThresholds.Order().ToArray();
        _timeProvider = timeProvider;
        _period = period;
        _zone = zone ?? TimeZoneInfo.Utc;
        if (period != BudgetPeriod.None)
        {
            _periodEnd = BudgetPeriods.Bounds(period, _zone, timeProvider.GetUtcNow()).End.UtcTicks;
        }
    }

    public event EventHandler<BudgetAlert>? ThresholdCrossed;

    public bool TryReserve(string? agentId, decimal fixedCost, decimal unitCost, long minUnits, long maxUnits, out BudgetReservation reservation)
    {
        var agent = agentId is null ? null : GetAccount(agentId);
        lock (_lock)
        {
            if (_periodEnd != long.MaxValue)
            {
                agent = InCurrentPeriod(agent, agentId);
            }

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

            // An unattributed call holds the global account it was reserved against (its period's), and is settled there.
            reservation = new BudgetReservation(agent ?? _global, amount, units);
            return true;
        }
    }

    public void Settle(in BudgetReservation reservation, decimal actualCost)
    {
        var held = (Account?)reservation.AgentAccount;
        BudgetAlert? globalAlert = null, agentAlert = null;
        lock (_lock)
        {
            if (_periodEnd != long.MaxValue)
            {
                RollOverIfDue();
            }

            // The accounts of the period the call was reserved in; a reservation holding none (default) settles on the
            // current period's global account, hence the rollover above.
            var global = held is null ? _global : held.Global ?? held;
            var agent = held?.Global is null ? null : held;
            global.Reserved -= reservation.Amount;
            global.Spent += actualCost;
            if (global.Spent >= global.NextAlertAt)
            {
                globalAlert = global.TakeAlert(_thresholds, _timeProvider);
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
        Account? held;
        lock (_lock)
        {
            // The current period's accounts (a restored spend belongs to it).
            if (_periodEnd != long.MaxValue)
            {
                RollOverIfDue();
            }

            held = agentId is not null ? GetAccount(agentId) : _global;
        }

        Settle(new BudgetReservation(held, 0m, 0), amount);
    }

    public void SetLimit(string? agentId, decimal? limit)
    {
        if (limit < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, "A budget limit cannot be negative.");
        }

        lock (_lock)
        {
            // The current period's accounts: a limit set after the period ended is the new period's, and the calls of
            // the ended period still settling keep the limit they were reserved under (their alerts are counted by it).
            if (_periodEnd != long.MaxValue)
            {
                RollOverIfDue();
            }

            if (agentId is not null)
            {
                _agentLimits[agentId] = limit;
            }

            var account = agentId is null ? _global : GetAccount(agentId);
            account.Limit = limit;
            account.ResetAlerts(_thresholds);
        }
    }

    public BudgetSnapshot GetSnapshot(string? agentId)
    {
        lock (_lock)
        {
            if (_periodEnd != long.MaxValue)
            {
                RollOverIfDue();
            }

            var account = agentId is null ? _global : _agents.GetValueOrDefault(agentId);
            return account is null
                ? new BudgetSnapshot(agentId, _agentLimits.GetValueOrDefault(agentId!), 0m, 0m)
                : new BudgetSnapshot(agentId, account.Limit, account.Spent, account.Reserved);
        }
    }

    public bool HasLimit(string? agentId)
        => _global.Limit is not null || (agentId is not null && _agentLimits.TryGetValue(agentId, out var limit) && limit is not null);

    private Account GetAccount(string agentId)
        => _agents.GetOrAdd(agentId, static (id, ledger) => ledger.NewAccount(id), this);

    /// <summary>A new account of the agent in the current period, at the agent's limit, its thresholds armed for it.</summary>
    private Account NewAccount(string agentId)
    {
        var created = new Account(agentId, _global) { Limit = _agentLimits.GetValueOrDefault(agentId) };
        created.ResetAlerts(_thresholds);
        return created;
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

        if (maxUnits * unitCost <= room)
        {
            return maxUnits;
        }

        if (minUnits == maxUnits)
        {
            return -1;
        }

        // Below maxUnits (maxUnits * unitCost > room); Min only guards the decimal rounding of the division.
        return Math.Min(maxUnits, (long)decimal.Floor(room / unitCost));
    }

    /// <param name="agentId">The agent, or null for the global account.</param>
    /// <param name="global">For an agent's account, the global account of the same period.</param>
    private sealed class Account(string? agentId, Account? global)
    {
        private int _nextThreshold;

        public string? AgentId { get; } = agentId;

        public Account? Global { get; } = global;

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
