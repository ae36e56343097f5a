using IronRuntime.Budget;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace IronRuntime.Tests.Budget;

/// <summary><see cref="LedgerHealthCheck"/> over the in-memory ledger, a real SQLite state file, and ledgers that fail or check themselves.</summary>
public sealed class LedgerHealthCheckTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "ironruntime-health-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Test]
    public async Task CheckHealthAsync_FromTheContainer_InMemoryLedgerIsHealthy()
    {
        await using var runtime = AgentRuntime.CreateBuilder().Build();
        var check = runtime.OwnedServices!.GetRequiredService<LedgerHealthCheck>();

        var result = await check.CheckHealthAsync(Context(check));

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(HealthStatus.Healthy));
            Assert.That(result.Data["ledger"], Is.EqualTo("InMemoryBudgetLedger"));
            Assert.That(result.Data.ContainsKey("sqlite"), Is.False);
        });
    }

    [Test]
    public async Task CheckHealthAsync_RuntimeWithSqliteState_FileIsWritableAndHealthy()
    {
        string path = Path.Combine(_dir, "state.db");
        await using (var runtime = AgentRuntime.CreateBuilder().UseSqliteState(path).Build())
        {
            runtime.OwnedServices!.GetRequiredService<IronRuntime.State.StateRestorer>().EnsureRestored(); // the store opens its file on first use
            Assert.That(File.Exists(path), Is.True);
            var check = runtime.OwnedServices!.GetRequiredService<LedgerHealthCheck>();

            var result = await check.CheckHealthAsync(Context(check));

            Assert.Multiple(() =>
            {
                Assert.That(result.Status, Is.EqualTo(HealthStatus.Healthy), result.Description);
                Assert.That(result.Data["sqlite"], Is.EqualTo(path));
            });
        }
    }

    [Test]
    public async Task CheckHealthAsync_StateFileMissing_IsUnhealthyAndCreatesNothing()
    {
        string path = Path.Combine(_dir, "gone", "state.db");
        var check = Check(Ledger(), path);

        var result = await check.CheckHealthAsync(Context(check));

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(HealthStatus.Unhealthy));
            Assert.That(result.Description, Does.Contain("cannot be opened or written").And.Contain(path));
            Assert.That(result.Exception, Is.TypeOf<SqliteException>());
            Assert.That(File.Exists(path), Is.False);
        });
    }

    [Test]
    public async Task CheckHealthAsync_LedgerThrows_IsTheRegistrationsFailureStatus()
    {
        var check = Check(new FailingLedger(Ledger()), null);

        var result = await check.CheckHealthAsync(Context(check, HealthStatus.Degraded));

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(HealthStatus.Degraded));
            Assert.That(result.Description, Does.Contain("the ledger failed: connection refused"));
            Assert.That(result.Exception, Is.TypeOf<InvalidOperationException>());
        });
    }

    [Test]
    public async Task CheckHealthAsync_LedgerChecksItself_ItsAnswerAndDataAreUsed()
    {
        var own = HealthCheckResult.Unhealthy("Redis is not answering", data: new Dictionary<string, object> { ["endpoint"] = "redis:6379" });
        var check = Check(new SelfCheckingLedger(Ledger(), own), null);

        var result = await check.CheckHealthAsync(Context(check));

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(HealthStatus.Unhealthy));
            Assert.That(result.Description, Does.Contain("ledger: Redis is not answering"));
            Assert.That(result.Data["ledger.endpoint"], Is.EqualTo("redis:6379"));
            Assert.That(result.Data["ledger"], Is.EqualTo(nameof(SelfCheckingLedger)));
        });
    }

    private static InMemoryBudgetLedger Ledger() => new([], TimeProvider.System);

    private static LedgerHealthCheck Check(IBudgetLedger ledger, string? path) =>
        new(ledger, Options.Create(new RuntimeConfig { State = new IronRuntime.State.StateOptions { DatabasePath = path } }));

    private static HealthCheckContext Context(IHealthCheck check, HealthStatus failure = HealthStatus.Unhealthy) =>
        new() { Registration = new HealthCheckRegistration("ironruntime-ledger", check, failure, null) };

    /// <summary>A ledger whose store is away: every read throws.</summary>
    private sealed class FailingLedger(IBudgetLedger inner) : ForwardingLedger(inner)
    {
        public override BudgetSnapshot GetSnapshot(string? agentId) => throw new InvalidOperationException("connection refused");
    }

    /// <summary>A shared-store ledger that checks its own connection (the hook a Redis ledger plugs into).</summary>
    private sealed class SelfCheckingLedger(IBudgetLedger inner, HealthCheckResult result) : ForwardingLedger(inner), IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) => Task.FromResult(result);
    }

    private abstract class ForwardingLedger(IBudgetLedger inner) : IBudgetLedger
    {
        public event EventHandler<BudgetAlert>? ThresholdCrossed
        {
            add => inner.ThresholdCrossed += value;
            remove => inner.ThresholdCrossed -= value;
        }

        public bool TryReserve(string? agentId, decimal fixedCost, decimal unitCost, long minUnits, long maxUnits, out BudgetReservation reservation) =>
            inner.TryReserve(agentId, fixedCost, unitCost, minUnits, maxUnits, out reservation);

        public void Settle(in BudgetReservation reservation, decimal actualCost) => inner.Settle(reservation, actualCost);

        public void Charge(string? agentId, decimal amount) => inner.Charge(agentId, amount);

        public void SetLimit(string? agentId, decimal? limit) => inner.SetLimit(agentId, limit);

        public virtual BudgetSnapshot GetSnapshot(string? agentId) => inner.GetSnapshot(agentId);

        public bool HasLimit(string? agentId) => inner.HasLimit(agentId);
    }
}
