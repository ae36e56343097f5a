using System.Collections.Concurrent;
using StackExchange.Redis;

namespace IronRuntime.Budget.Redis;

/// <summary>
/// Limits shared by the fleet. Redis holds them (the hash <c>{prefix}:limits</c>) and every reservation checks them
/// there, atomically. <see cref="SetLimit"/> (run time: <c>SetBudget</c>, the dashboard) writes them for every instance;
/// configuration only seeds a limit Redis does not have (<see cref="SeedLimit"/>, HSETNX). Each instance keeps a copy
/// for <see cref="HasLimit"/> and alerts, read back from Redis at every maintenance step.
/// </summary>
internal sealed partial class RedisBudgetLedger : ISharedLimits
{
    /// <summary>Limits set or seeded while Redis was away, written when it answers (true: a seed, written only if absent).</summary>
    private readonly ConcurrentDictionary<string, (decimal? Limit, bool Seed)> _unwritten = new(StringComparer.Ordinal);
    private int _limitsVersion;

    public void SeedLimit(string? agentId, decimal? limit)
    {
        if (limit is not { } value)
        {
            return;
        }

        ArgumentOutOfRangeException.ThrowIfNegative(value);
        try
        {
            Db.HashSet(_limitsKey, LimitField(agentId), RedisMoney.ToUnits(value), When.NotExists);
            var stored = Db.HashGet(_limitsKey, LimitField(agentId));
            Cache(agentId, stored.IsNull ? null : RedisMoney.ToUsd((long)stored));
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            Cache(agentId, value);
            _unwritten[LimitField(agentId)] = (value, true);
            RedisBudgetLog.Unavailable(_logger, ex);
        }
    }

    /// <summary>Replaces this instance's copy of the limits with Redis's (what another instance set shows here).</summary>
    internal async Task RefreshLimitsAsync()
    {
        int version = Volatile.Read(ref _limitsVersion);
        var entries = await Db.HashGetAllAsync(_limitsKey).ConfigureAwait(false);
        if (Volatile.Read(ref _limitsVersion) != version)
        {
            return; // a limit set or seeded here meanwhile: read again at the next step
        }

        decimal? global = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            string field = entry.Name!;
            decimal limit = RedisMoney.ToUsd((long)entry.Value);
            if (field == "g")
            {
                global = limit;
            }
            else if (field.StartsWith("a:", StringComparison.Ordinal))
            {
                _limits[field[2..]] = limit;
                seen.Add(field[2..]);
            }
        }

        foreach (string agentId in _limits.Keys)
        {
            if (!seen.Contains(agentId) && !_unwritten.ContainsKey(LimitField(agentId)))
            {
                _limits[agentId] = null;
            }
        }

        if (!_unwritten.ContainsKey(LimitField(null)))
        {
            _globalLimit = global;
        }
    }

    private void Cache(string? agentId, decimal? limit)
    {
        Interlocked.Increment(ref _limitsVersion);
        if (agentId is null)
        {
            _globalLimit = limit;
        }
        else
        {
            _limits[agentId] = limit;
        }
    }

    /// <summary>Writes the limits set or seeded while Redis was away.</summary>
    private void WriteUnwrittenLimits()
    {
        foreach (var (field, (limit, seed)) in _unwritten)
        {
            if (limit is { } value)
            {
                Db.HashSet(_limitsKey, field, RedisMoney.ToUnits(value), seed ? When.NotExists : When.Always);
            }
            else
            {
                Db.HashDelete(_limitsKey, field);
            }

            _unwritten.TryRemove(field, out _);
        }
    }
}
