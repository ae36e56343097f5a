using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace IronRuntime.Budget.Redis;

/// <summary>
/// A ledger shared by a fleet of runtime instances through Redis: one Lua round trip reserves on the global and the
/// agent account atomically, one settles. Reservations are leases owned by this instance and renewed while their
/// call is alive; the leases of a dead instance expire on Redis's clock and are charged (worst case by default) by
/// whichever instance sweeps next. Redis unreachable → <see cref="BudgetUnavailableException"/> (the gate answers
/// 503), unless a local allowance is configured.
/// </summary>
/// <remarks>
/// <see cref="Charge"/> does not write to Redis: its only caller restores an instance's own recorded spend at start,
/// which Redis already holds (Redis is the truth; the instance's SQLite records are its own history).
/// </remarks>
internal sealed partial class RedisBudgetLedger : IBudgetLedger, IAsyncBudgetLedger, IAsyncDisposable
{
    private readonly IConnectionMultiplexer _redis;
    private readonly bool _ownsConnection;
    private readonly RedisBudgetOptions _options;
    private readonly decimal[] _thresholds;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly string _instanceId;
    private readonly string _tag;
    private readonly RedisKey _limitsKey;
    private readonly TimeZoneInfo _zone;
    private readonly RedisKey _leases;
    private readonly RedisKey _charged;
    private readonly string _leasePrefix;
    private readonly string _ttlMs;
    private readonly string _chargeExpired;
    private static readonly RedisValue[] SnapshotFields = ["spent", "reserved"];
    private readonly ConcurrentDictionary<string, decimal?> _limits = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Task, byte> _settling = new();
    private decimal? _globalLimit;
    private long _nextLease;

    public RedisBudgetLedger(IConnectionMultiplexer redis, bool ownsConnection, RedisBudgetOptions options, IEnumerable<decimal> alertThresholds,
        TimeProvider timeProvider, ILogger logger)
    {
        _redis = redis;
        _ownsConnection = ownsConnection;
        _options = options;
        _thresholds = alertThresholds.Order().ToArray();
        _timeProvider = timeProvider;
        _logger = logger;
        _instanceId = string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid():N}");
        string tag = "{" + options.KeyPrefix + "}:";
        _tag = tag;
        _limitsKey = tag + "limits";
        _zone = TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone);
        _leases = tag + "lx";
        _charged = tag + "charged";
        _leasePrefix = tag + "l:";
        _ttlMs = ((long)options.LeaseDuration.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        _chargeExpired = options.ExpiredLeaseCharge == ExpiredLeaseCharge.WorstCase ? "1" : "0";
        _redis.ConnectionRestored += OnConnectionRestored;
        _loop = RunLoopAsync(_stop.Token);
    }

    public event EventHandler<BudgetAlert>? ThresholdCrossed;

    /// <summary>This instance's id: the owner recorded in its lease ids.</summary>
    public string InstanceId => _instanceId;

    private IDatabase Db => _redis.GetDatabase();

    /// <summary>The database the ledger's keys live in (for the fleet's rate limits).</summary>
    internal IDatabase Database => Db;

    /// <summary>The prefix of every key, with its hash tag: <c>{prefix}:</c>.</summary>
    internal string KeyTag => _tag;

    public bool TryReserve(string? agentId, decimal fixedCost, decimal unitCost, long minUnits, long maxUnits, out BudgetReservation reservation)
    {
        var args = ReserveArguments(agentId, fixedCost, unitCost, minUnits, maxUnits);
        RedisResult result;
        try
        {
            result = Db.ScriptEvaluate(RedisBudgetScripts.Reserve, args);
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            ReleaseIfInDoubt(agentId, args.LeaseId, ex);
            return TryReserveLocally(agentId, args.Fixed, args.Unit, minUnits, maxUnits, ex, out reservation);
        }

        return Reserved(agentId, args, result, out reservation);
    }

    public async ValueTask<(bool Reserved, BudgetReservation Reservation)> TryReserveAsync(string? agentId, decimal fixedCost, decimal unitCost, long minUnits, long maxUnits)
    {
        var args = ReserveArguments(agentId, fixedCost, unitCost, minUnits, maxUnits);
        RedisResult result;
        BudgetReservation reservation;
        try
        {
            result = await Db.ScriptEvaluateAsync(RedisBudgetScripts.Reserve, args).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            ReleaseIfInDoubt(agentId, args.LeaseId, ex);
            return (TryReserveLocally(agentId, args.Fixed, args.Unit, minUnits, maxUnits, ex, out reservation), reservation);
        }

        return (Reserved(agentId, args, result, out reservation), reservation);
    }

    /// <summary>
    /// A reservation whose script may have run although its answer never came (Redis died or the link broke after
    /// sending): the call is refused, so the lease, if it exists, is kept renewed and released with nothing charged
    /// once Redis answers (the settle script is idempotent; a lease that never came into being is a no-op).
    /// </summary>
    private void ReleaseIfInDoubt(string? agentId, string leaseId, Exception ex)
    {
        var status = ex switch
        {
            RedisConnectionException c => c.CommandStatus,
            RedisTimeoutException t => t.Commandstatus,
            ObjectDisposedException => CommandStatus.WaitingToBeSent,
            _ => CommandStatus.Unknown,
        };
        if (status is CommandStatus.WaitingToBeSent or CommandStatus.WaitingInBacklog)
        {
            return;
        }

        var lease = new RedisLease(leaseId, agentId, 0, Local: false);
        _live[leaseId] = lease;
        _deferred.Enqueue(new Deferred(lease, 0));
    }

    private ReserveArgs ReserveArguments(string? agentId, decimal fixedCost, decimal unitCost, long minUnits, long maxUnits)
    {
        string leaseId = string.Create(CultureInfo.InvariantCulture, $"{_instanceId}:{Interlocked.Increment(ref _nextLease)}");
        string period = CurrentPeriod();
        return new ReserveArgs(AccountKey(null, period), AccountKey(agentId, period), _limitsKey, LimitField(null), LimitField(agentId), _leases, (RedisKey)(_leasePrefix + leaseId), _leasePrefix, leaseId, _chargeExpired,
            RedisMoney.ToUnits(fixedCost), RedisMoney.ToUnits(unitCost), minUnits, maxUnits, _ttlMs);
    }

    private bool Reserved(string? agentId, ReserveArgs args, RedisResult result, out BudgetReservation reservation)
    {
        long units = (long)result;
        if (units < 0)
        {
            reservation = default;
            return false;
        }

        long amount = args.Fixed + (units * args.Unit);
        var lease = new RedisLease(args.LeaseId, agentId, amount, Local: false);
        _live[args.LeaseId] = lease;
        reservation = new BudgetReservation(lease, RedisMoney.ToUsd(amount), units);
        return true;
    }

    public void Settle(in BudgetReservation reservation, decimal actualCost)
    {
        if (reservation.AgentAccount is not RedisLease lease)
        {
            return; // default(BudgetReservation): nothing was reserved
        }

        long actual = RedisMoney.ToUnits(actualCost);
        if (lease.Local)
        {
            SettleLocally(lease, actual);
            return;
        }

        // Not waited for: the call has ended. Reads of this instance (snapshots) wait for it; failures are retried.
        var settling = SettleAsync(lease, actual);
        if (!settling.IsCompleted)
        {
            _settling.TryAdd(settling, 0);
            settling.ContinueWith(static (t, state) => ((RedisBudgetLedger)state!)._settling.TryRemove(t, out _), this,
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private async Task SettleAsync(RedisLease lease, long actual)
    {
        try
        {
            var result = await Db.ScriptEvaluateAsync(RedisBudgetScripts.Settle, new SettleArgs((RedisKey)(_leasePrefix + lease.Id), _leases, lease.Id, actual)).ConfigureAwait(false);
            _live.TryRemove(lease.Id, out _);
            RaiseAlerts(lease.AgentId, result, actual);
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            // Kept live (renewed) and retried by the loop; the settle script is idempotent.
            RedisBudgetLog.SettleDeferred(_logger, lease.Id, ex);
            _deferred.Enqueue(new Deferred(lease, actual));
        }
    }

    /// <summary>Completes when every settlement this instance has started has been answered (or deferred).</summary>
    internal Task WhenSettledAsync() => Task.WhenAll(_settling.Keys);

    public void Charge(string? agentId, decimal amount) => ArgumentOutOfRangeException.ThrowIfNegative(amount);

    public void SetLimit(string? agentId, decimal? limit)
    {
        if (limit < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, "A budget limit cannot be negative.");
        }

        try
        {
            WriteLimit(agentId, limit);
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            // Written when the connection comes back (OnConnectionRestored); reservations fail closed meanwhile.
            _unwritten[LimitField(agentId)] = (limit, false);
            RedisBudgetLog.Unavailable(_logger, ex);
        }

        Cache(agentId, limit);
    }

    public BudgetSnapshot GetSnapshot(string? agentId)
    {
        RedisValue limit;
        RedisValue[] values;
        try
        {
            WhenSettledAsync().Wait(_options.CommandTimeoutMilliseconds);
            limit = Db.HashGet(_limitsKey, LimitField(agentId));
            values = Db.HashGet(AccountKey(agentId, CurrentPeriod()), SnapshotFields);
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            throw new BudgetUnavailableException("The Redis budget ledger cannot be reached.", ex);
        }

        return Snapshot(agentId, limit, values);
    }

    public async ValueTask<BudgetSnapshot> GetSnapshotAsync(string? agentId)
    {
        RedisValue limit;
        RedisValue[] values;
        try
        {
            await WhenSettledAsync().ConfigureAwait(false);
            limit = await Db.HashGetAsync(_limitsKey, LimitField(agentId)).ConfigureAwait(false);
            values = await Db.HashGetAsync(AccountKey(agentId, CurrentPeriod()), SnapshotFields).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            throw new BudgetUnavailableException("The Redis budget ledger cannot be reached.", ex);
        }

        return Snapshot(agentId, limit, values);
    }

    private static BudgetSnapshot Snapshot(string? agentId, RedisValue limitValue, RedisValue[] values)
    {
        decimal? limit = limitValue.IsNull ? null : RedisMoney.ToUsd((long)limitValue);
        return new BudgetSnapshot(agentId, limit, RedisMoney.ToUsd(values[0].IsNull ? 0 : (long)values[0]),
            RedisMoney.ToUsd(values[1].IsNull ? 0 : (long)values[1]));
    }

    public bool HasLimit(string? agentId)
        => _globalLimit is not null || (agentId is not null && _limits.TryGetValue(agentId, out var limit) && limit is not null);

    /// <summary>The name of the current budget period (<c>all</c> without periods), on this instance's clock.</summary>
    internal string CurrentPeriod() => Periods.BudgetPeriods.Name(_options.Period, _zone, _timeProvider.GetUtcNow());

    /// <summary>The key of an account in a period: the global one for a null agent.</summary>
    internal RedisKey AccountKey(string? agentId, string period)
        => agentId is null ? (RedisKey)(_tag + period + ":g") : (RedisKey)(_tag + period + ":a:" + agentId);

    /// <summary>The field of an account's limit in the limits hash.</summary>
    private static string LimitField(string? agentId) => agentId is null ? "g" : "a:" + agentId;

    private void WriteLimit(string? agentId, decimal? limit)
    {
        if (limit is { } value)
        {
            Db.HashSet(_limitsKey, LimitField(agentId), RedisMoney.ToUnits(value));
        }
        else
        {
            Db.HashDelete(_limitsKey, LimitField(agentId));
        }
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        // Deferred settlements first, before leases in doubt can expire: not waiting for the next renewal.
        _ = MaintainAsync().ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        try
        {
            // Only what this instance could not write: rewriting its whole copy would undo limits other instances set.
            WriteUnwrittenLimits();
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            RedisBudgetLog.Unavailable(_logger, ex);
        }
    }

    /// <summary>Raises one alert per account whose spend crossed a threshold with this charge (exactly one instance sees the crossing).</summary>
    private void RaiseAlerts(string? agentId, RedisResult result, long charged)
    {
        if (result.IsNull || _thresholds.Length == 0 || ThresholdCrossed is null)
        {
            return;
        }

        var values = (RedisResult[])result!;
        RaiseAlert(null, (long)values[0], _globalLimit, charged);
        if (agentId is not null)
        {
            RaiseAlert(agentId, (long)values[1], _limits.GetValueOrDefault(agentId), charged);
        }
    }

    private void RaiseAlert(string? agentId, long spent, decimal? limitUsd, long charged)
    {
        if (limitUsd is null || charged == 0)
        {
            return;
        }

        long limit = RedisMoney.ToUnits(limitUsd.Value);
        long before = spent - charged;
        decimal crossed = 0m;
        foreach (decimal threshold in _thresholds)
        {
            decimal at = limit * threshold;
            if (before < at && spent >= at)
            {
                crossed = threshold;
            }
        }

        if (crossed > 0m)
        {
            ThresholdCrossed?.Invoke(this, new BudgetAlert(agentId, crossed, RedisMoney.ToUsd(spent), RedisMoney.ToUsd(limit), _timeProvider.GetUtcNow()));
        }
    }

    internal static bool IsUnavailable(Exception ex)
        => ex is RedisConnectionException or RedisTimeoutException or TimeoutException or ObjectDisposedException
           || (ex is RedisServerException server && (server.Message.StartsWith("LOADING", StringComparison.Ordinal)
                                                     || server.Message.StartsWith("MASTERDOWN", StringComparison.Ordinal)
                                                     || server.Message.StartsWith("READONLY", StringComparison.Ordinal)));

    private sealed record ReserveArgs(RedisKey Global, RedisKey Agent, RedisKey Limits, string GlobalField, string AgentField, RedisKey Leases, RedisKey Lease, string LeasePrefix, string LeaseId,
        string Charge, long Fixed, long Unit, long MinUnits, long MaxUnits, string Ttl);

    private sealed record SettleArgs(RedisKey Lease, RedisKey Leases, string LeaseId, long Actual);
}
