using Microsoft.Extensions.Logging;

namespace IronRuntime.Budget.Redis;

/// <summary>The Redis ledger's log messages; event ids 5100-5199.</summary>
internal static partial class RedisBudgetLog
{
    [LoggerMessage(5100, LogLevel.Error, "Redis budget ledger unreachable; calls that need a reservation are refused (503 iron_runtime_budget_unavailable).")]
    public static partial void Unavailable(ILogger logger, Exception exception);

    [LoggerMessage(5101, LogLevel.Warning, "Redis budget ledger unreachable; call admitted on the local allowance (${Held} of ${Allowance} held locally).")]
    public static partial void LocalAllowanceUsed(ILogger logger, decimal held, decimal allowance);

    [LoggerMessage(5102, LogLevel.Warning, "Settling lease {LeaseId} in Redis failed; it is retried until Redis answers (the lease is charged at its worst case if it expires first).")]
    public static partial void SettleDeferred(ILogger logger, string leaseId, Exception exception);

    [LoggerMessage(5103, LogLevel.Information, "Redis budget ledger: {Count} deferred settlements and charges written.")]
    public static partial void DeferredFlushed(ILogger logger, int count);

    [LoggerMessage(5104, LogLevel.Warning, "Redis budget ledger: {Count} expired reservations of dead or cut-off instances charged.")]
    public static partial void ExpiredCharged(ILogger logger, long count);

    [LoggerMessage(5105, LogLevel.Warning, "Redis budget ledger: renewing leases failed; they expire {LeaseSeconds} s after their last renewal.")]
    public static partial void RenewFailed(ILogger logger, double leaseSeconds, Exception exception);
}
