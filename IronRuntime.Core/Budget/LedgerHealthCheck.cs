using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace IronRuntime.Budget;

/// <summary>
/// A health check over where spend is kept: the budget ledger answers, and the SQLite state file (when
/// <see cref="State.StateOptions.DatabasePath"/> is set) can be opened and write-locked within two seconds. Healthy
/// when both are; Unhealthy (or the registration's failure status) when the ledger fails or the file cannot be opened
/// or written. Register it with
/// <c>services.AddHealthChecks().AddCheck&lt;LedgerHealthCheck&gt;("ironruntime-ledger")</c>.
/// </summary>
/// <remarks>
/// A ledger that implements <see cref="IHealthCheck"/> itself (a shared store such as Redis, which can check its
/// connection) is asked instead of being probed, so its own answer — with its own data — is the ledger's part of the
/// result. Any other ledger is probed by reading the global account.
/// </remarks>
public sealed class LedgerHealthCheck : IHealthCheck
{
    private readonly IBudgetLedger _ledger;
    private readonly string? _databasePath;

    /// <summary>Creates the check.</summary>
    /// <param name="ledger">The ledger.</param>
    /// <param name="config">The configuration (for the state file's path).</param>
    public LedgerHealthCheck(IBudgetLedger ledger, IOptions<RuntimeConfig> config)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentNullException.ThrowIfNull(config);
        _ledger = ledger;
        _databasePath = config.Value.State.DatabasePath;
    }

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        HealthStatus failure = context?.Registration?.FailureStatus ?? HealthStatus.Unhealthy;
        var data = new Dictionary<string, object>(StringComparer.Ordinal) { ["ledger"] = _ledger.GetType().Name };
        var problems = new List<string>();
        var status = HealthStatus.Healthy;
        Exception? exception = null;

        if (_ledger is IHealthCheck own)
        {
            var result = await own.CheckHealthAsync(context!, cancellationToken).ConfigureAwait(false);
            foreach (var entry in result.Data)
            {
                data["ledger." + entry.Key] = entry.Value;
            }

            if (result.Status != HealthStatus.Healthy)
            {
                status = Worse(status, result.Status);
                problems.Add("ledger: " + (result.Description ?? result.Status.ToString()));
                exception = result.Exception;
            }
        }
        else
        {
            try
            {
                _ = _ledger.GetSnapshot(null);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                status = failure;
                problems.Add("the ledger failed: " + ex.Message);
                exception = ex;
            }
        }

        if (_databasePath is { } path)
        {
            data["sqlite"] = path;
            var (sqliteStatus, problem, error) = await CheckSqliteAsync(path, failure, cancellationToken).ConfigureAwait(false);
            if (problem is not null)
            {
                status = Worse(status, sqliteStatus);
                problems.Add(problem);
                exception ??= error;
            }
        }

        return problems.Count == 0
            ? HealthCheckResult.Healthy(_databasePath is null ? "The budget ledger answers." : "The budget ledger answers and the state file is writable.", data)
            : new HealthCheckResult(status, string.Join("; ", problems) + ".", exception, data);
    }

    /// <summary>Opens the file without creating it and takes the write lock (BEGIN IMMEDIATE), then rolls back: nothing is written.</summary>
    private static async Task<(HealthStatus Status, string? Problem, Exception? Error)> CheckSqliteAsync(string path, HealthStatus failure, CancellationToken cancellationToken)
    {
        var builder = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWrite, Pooling = false, DefaultTimeout = 2 };
        try
        {
            await using var connection = new SqliteConnection(builder.ToString());
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA busy_timeout = 1000; BEGIN IMMEDIATE; ROLLBACK;";
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return (HealthStatus.Healthy, null, null);
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException)
        {
            return (failure, $"the state file '{path}' cannot be opened or written: {ex.Message}", ex);
        }
    }

    private static HealthStatus Worse(HealthStatus a, HealthStatus b) => a < b ? a : b;
}
