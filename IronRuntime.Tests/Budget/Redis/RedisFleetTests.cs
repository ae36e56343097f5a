using System.Diagnostics;
using System.Globalization;
using System.Text;
using IronRuntime.Budget;
using IronRuntime.Budget.Redis;
using IronRuntime.Router;
using IronRuntime.Tests.Fakes;
using IronRuntime.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace IronRuntime.Tests.Budget.Redis;

/// <summary>
/// Several runtime instances, each a process of its own (<see cref="RedisFleetHost"/>), sharing one budget in a
/// real Redis; the fake provider bills each call exactly its worst case, so the budget's arithmetic is exact.
/// </summary>
[NonParallelizable]
public sealed class RedisFleetTests
{
    private const string Body = """{"model":"gpt-4o-mini","max_tokens":100,"messages":[{"role":"user","content":"Plan the fleet's day."}]}""";

    // gpt-4o-mini in the shipped price table: $0.15 per million input tokens, $0.60 per million output tokens.
    private const decimal InputPrice = 0.00000015m;
    private const decimal OutputPrice = 0.0000006m;

    private RedisTestServer _server = null!;
    private string _dir = null!;

    /// <summary>The reservation's input bound: one token per byte of the body plus 64 (docs/budgets.md).</summary>
    private static int InputBound => Encoding.UTF8.GetByteCount(Body) + 64;

    /// <summary>The worst case of one call, which the fake also bills: the input bound and the 100 output tokens.</summary>
    private static decimal WorstCase => (InputBound * InputPrice) + (100 * OutputPrice);

    [OneTimeSetUp]
    public async Task OneTimeSetUp() => _server = await RedisTestServer.StartAsync();

    [OneTimeTearDown]
    public async Task OneTimeTearDown() => await _server.DisposeAsync();

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("ironruntime-fleet-").FullName;

    [TearDown]
    public void TearDown()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Test]
    [CancelAfter(240_000)]
    public async Task FourInstancesFiftyCallsEach_BudgetForK_ExactlyKSucceedAcrossTheFleet([Values(1, 2, 3, 4, 5)] int repetition, CancellationToken cancellationToken)
    {
        const int K = 37;
        string prefix = "fleet" + repetition.ToString(CultureInfo.InvariantCulture) + Guid.NewGuid().ToString("N")[..8];
        await using var fake = await FakeProvider.StartAsync(cancellationToken: cancellationToken);
        fake.Usage = new TokenUsage(InputBound, 100);
        fake.ResponseDelay = TimeSpan.FromMilliseconds(5);
        var hosts = Enumerable.Range(0, 4).Select(i => StartHost(prefix, K * WorstCase, fake, "agent-" + i, calls: 50, concurrency: 50, leaseMs: 30_000)).ToList();
        try
        {
            var results = await Task.WhenAll(hosts.Select(h => WaitForDoneAsync(h, cancellationToken)));
            Assert.Multiple(() =>
            {
                Assert.That(results.Sum(r => r.Ok), Is.EqualTo(K), string.Join("; ", results));
                Assert.That(results.Sum(r => r.Denied), Is.EqualTo((4 * 50) - K));
                Assert.That(results.Sum(r => r.Other), Is.Zero, string.Join("; ", results.Select(r => r.Others)));
                Assert.That(fake.ArrivedCount, Is.EqualTo(K));
            });
            var global = await SnapshotAsync(prefix, null);
            Assert.That(global, Is.EqualTo(new BudgetSnapshot(null, K * WorstCase, fake.ArrivedCount * WorstCase, 0m)), "spent is the provider's bill; nothing held");
        }
        finally
        {
            foreach (var host in hosts)
            {
                KillQuietly(host);
            }
        }
    }

    [Test]
    [CancelAfter(240_000)]
    public async Task InstanceKilledMidLoad_ItsLeasesAreChargedWithinTheLeaseAndTheOthersGoOn(CancellationToken cancellationToken)
    {
        Assume.That(OperatingSystem.IsWindows(), Is.False, "SIGKILL");
        const int LeaseMs = 1500;
        string prefix = "kill" + Guid.NewGuid().ToString("N")[..8];
        await using var fake = await FakeProvider.StartAsync(cancellationToken: cancellationToken);
        fake.Usage = new TokenUsage(InputBound, 100);
        fake.ResponseDelay = TimeSpan.FromMilliseconds(100);
        using var doomed = StartHost(prefix, 1m, fake, "doomed", calls: 0, concurrency: 8, leaseMs: LeaseMs);
        using var survivor = StartHost(prefix, 1m, fake, "survivor", calls: 300, concurrency: 4, leaseMs: LeaseMs);
        try
        {
            await WaitForReadyAsync(doomed, cancellationToken);
            await Eventually.UntilAsync(() => SnapshotAsync(prefix, "doomed").Result.Spent >= 10 * WorstCase, TimeSpan.FromSeconds(60), "the doomed instance runs calls");
            doomed.Kill(); // SIGKILL: its calls in flight are never settled
            await doomed.WaitForExitAsync(cancellationToken);
            var killedAt = Stopwatch.StartNew();
            var doomedHeld = await SnapshotAsync(prefix, "doomed");
            Assert.That(doomedHeld.Reserved, Is.GreaterThan(0m), $"the killed instance held calls in flight; global {await SnapshotAsync(prefix, null)}, survivor {await SnapshotAsync(prefix, "survivor")}, doomed {doomedHeld}");

            // The survivor sweeps expired leases as it reserves; a third of the lease after expiry at the latest.
            await Eventually.UntilAsync(() => SnapshotAsync(prefix, "doomed").Result.Reserved == 0m, TimeSpan.FromSeconds(30), "the dead instance's leases are charged");
            Assert.That(killedAt.Elapsed, Is.LessThan(TimeSpan.FromMilliseconds(LeaseMs * 3)), "charged within the lease time (plus the sweep)");

            var result = await WaitForDoneAsync(survivor, cancellationToken);
            Assert.That((result.Ok, result.Denied, result.Other), Is.EqualTo((300, 0, 0)), "the survivor's calls all went through: " + result);
            var global = await SnapshotAsync(prefix, null);
            var dead = await SnapshotAsync(prefix, "doomed");
            Assert.Multiple(() =>
            {
                Assert.That(global.Reserved, Is.Zero);
                Assert.That(dead.Spent, Is.EqualTo(dead.Spent / WorstCase * WorstCase), "whole worst cases");
                Assert.That(global.Spent, Is.GreaterThanOrEqualTo(fake.ArrivedCount * WorstCase), "every call the provider saw is charged");
                Assert.That(global.Spent, Is.LessThanOrEqualTo((fake.ArrivedCount + 8) * WorstCase), "at most the killed instance's calls in flight more");
            });
        }
        finally
        {
            KillQuietly(doomed);
            KillQuietly(survivor);
        }
    }

    private async Task<BudgetSnapshot> SnapshotAsync(string prefix, string? agentId)
    {
        await using var ledger = new RedisBudgetLedger(await ConnectionMultiplexer.ConnectAsync(_server.ConnectionString + ",abortConnect=false"), ownsConnection: true,
            new RedisBudgetOptions { KeyPrefix = prefix, RenewInterval = TimeSpan.FromHours(1) }, [], TimeProvider.System, NullLogger.Instance);
        return ledger.GetSnapshot(agentId);
    }

    private Process StartHost(string prefix, decimal budget, FakeProvider fake, string agentId, int calls, int concurrency, int leaseMs)
    {
        var start = new ProcessStartInfo("dotnet",
        [
            "exec", typeof(ChildHostProgram).Assembly.Location, RedisFleetHost.Name, _server.ConnectionString, prefix,
            budget.ToString(CultureInfo.InvariantCulture), fake.BaseUri.ToString(), agentId, calls.ToString(CultureInfo.InvariantCulture),
            concurrency.ToString(CultureInfo.InvariantCulture), leaseMs.ToString(CultureInfo.InvariantCulture),
            Path.Combine(_dir, agentId + ".db"), Body,
        ])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        return Process.Start(start)!;
    }

    private static async Task WaitForReadyAsync(Process host, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        string? line = await host.StandardOutput.ReadLineAsync(timeout.Token);
        if (line != "ready")
        {
            Assert.Fail($"the fleet host did not start: {line} {await host.StandardError.ReadToEndAsync(cancellationToken)}");
        }
    }

    private static async Task<HostResult> WaitForDoneAsync(Process host, CancellationToken cancellationToken)
    {
        var stderr = host.StandardError.ReadToEndAsync(cancellationToken);
        string output = await host.StandardOutput.ReadToEndAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(120), cancellationToken);
        await host.WaitForExitAsync(cancellationToken);
        string? done = output.Split('\n').FirstOrDefault(l => l.StartsWith("done ", StringComparison.Ordinal));
        if (done is null)
        {
            Assert.Fail($"the fleet host ended without its result (exit {host.ExitCode}): {output} {await stderr}");
        }

        var parts = done!.Trim().Split(' ').Skip(1).Select(p => int.Parse(p[(p.IndexOf('=', StringComparison.Ordinal) + 1)..], CultureInfo.InvariantCulture)).ToArray();
        string others = string.Join(" | ", output.Split('\n').Where(l => l.StartsWith("other ", StringComparison.Ordinal)));
        return new HostResult(parts[0], parts[1], parts[2]) { Others = others };
    }

    private static void KillQuietly(Process host)
    {
        try
        {
            if (!host.HasExited)
            {
                host.Kill();
            }
        }
        catch (InvalidOperationException)
        {
        }
    }

    private readonly record struct HostResult(int Ok, int Denied, int Other)
    {
        /// <summary>The first answers that were neither 200 nor 402, as the host printed them (for failure messages).</summary>
        public string? Others { get; init; }

        public override string ToString() => $"ok={Ok} denied={Denied} other={Other} {Others}";
    }
}
