using System.Diagnostics;
using System.Text;
using IronRuntime.Agents;
using IronRuntime.Router;
using IronRuntime.Tests.Fakes;
using IronRuntime.Tests.Support;
using Microsoft.Data.Sqlite;

namespace IronRuntime.Tests.State;

/// <summary>
/// A host process (IronRuntime.Tests.CrashHost) under load, killed with SIGKILL at random moments and restarted on the
/// same state file: every call the provider may have billed is charged, nothing more than the calls in flight.
/// </summary>
[NonParallelizable]
public sealed class CrashRecoveryTests
{
    private const string Body = """{"model":"gpt-4o-mini","max_tokens":100,"messages":[{"role":"user","content":"How high is the tide today?"}]}""";
    private const string AgentId = "crash";
    private const int Concurrency = 16;
    private const int Rounds = 20;

    // gpt-4o-mini in the shipped price table: $0.15 per million input tokens, $0.60 per million output tokens.
    private const decimal InputPrice = 0.00000015m;
    private const decimal OutputPrice = 0.0000006m;

    /// <summary>What the fake bills for one call: 40 input tokens (the body has 30 or so) and the 100 output tokens max_tokens allows.</summary>
    private const decimal Bill = (40 * InputPrice) + (100 * OutputPrice);

    private string _dir = null!;

    /// <summary>The worst case reserved per call: one token per byte of the body plus 64, and max_tokens of output.</summary>
    private static decimal Reservation => ((Encoding.UTF8.GetByteCount(Body) + 64) * InputPrice) + (100 * OutputPrice);

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("ironruntime-crash-").FullName;

    [TearDown]
    public void TearDown()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Test]
    [CancelAfter(300_000)] // about 20 s on an idle machine; minutes when the CPU is shared
    public async Task SigkillUnderLoad_TwentyRounds_SpentCoversEveryBilledCallAndAtMostTheCallsInFlight(CancellationToken cancellationToken)
    {
        Assume.That(OperatingSystem.IsWindows(), Is.False, "SIGKILL");
        string db = Path.Combine(_dir, "state.db");
        await using var fake = await FakeProvider.StartAsync(cancellationToken: cancellationToken);
        fake.Usage = new TokenUsage(40, 100);
        fake.ResponseDelay = TimeSpan.FromMilliseconds(3);
        var random = new Random(8);
        long unsettledBefore = 0;
        var watch = Stopwatch.StartNew();
        for (int round = 0; round < Rounds; round++)
        {
            int arrivedBefore = fake.ArrivedCount;
            using (var host = StartHost(db, fake))
            {
                await WaitForReadyAsync(host, cancellationToken);
                await fake.WaitForArrivalsAsync(arrivedBefore + random.Next(1, 60), cancellationToken).WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
                await Task.Delay(random.Next(0, 20), cancellationToken);
                host.Kill(); // SIGKILL on Unix
                await host.WaitForExitAsync(cancellationToken);
            }

            await Task.Delay(50, cancellationToken); // requests already in the fake's socket buffers arrive; they count as billed
            int arrived = fake.ArrivedCount;

            await using var restarted = AgentRuntime.CreateBuilder().UseSqliteState(db).Build();
            decimal spent = restarted.GetBudget().Spent;
            var m = restarted.GetMetrics(AgentId);
            var history = restarted.ListAgentHistory();
            string at = $"round {round + 1}: {arrived} calls reached the provider, {m.SucceededRequests} settled, {m.UnsettledRequests} unsettled, spent {spent}";
            Assert.Multiple(() =>
            {
                Assert.That(spent, Is.GreaterThanOrEqualTo(arrived * Bill), "every call the provider saw is charged; " + at);
                Assert.That(spent, Is.LessThanOrEqualTo((arrived * Bill) + (m.UnsettledRequests * Reservation)), at);
                Assert.That(m.UnsettledRequests - unsettledBefore, Is.InRange(0, Concurrency), "only calls in flight are unsettled; " + at);
                Assert.That(spent, Is.EqualTo((m.SucceededRequests * Bill) + (m.UnsettledRequests * Reservation)), "settled at the bill, unsettled at the reservation; " + at);
                Assert.That(m.BudgetSpent, Is.EqualTo(spent), at);
                Assert.That(arrived, Is.InRange(m.SucceededRequests, m.SucceededRequests + m.UnsettledRequests), at);
                Assert.That(m.Requests, Is.EqualTo(m.SucceededRequests + m.UnsettledRequests), at);
                Assert.That((m.InputTokens, m.OutputTokens), Is.EqualTo((40 * m.SucceededRequests, 100 * m.SucceededRequests)), at);
                Assert.That(restarted.GetTotals().Requests, Is.EqualTo(m.Requests), at);
                Assert.That(history, Has.Count.EqualTo(round + 1), at);
                Assert.That(history.All(r => r is { AgentId: AgentId, Name: "crash-load", Kind: AgentKind.InProcess, Status: AgentStatus.Running, EndedAt: null, Interrupted: true }),
                    Is.True, "every killed run is listed, interrupted; " + at);
            });
            unsettledBefore = m.UnsettledRequests;
            TestContext.Progress.WriteLine($"{watch.Elapsed.TotalSeconds:0.0} s {at}");
        }

        TestContext.Out.WriteLine($"{Rounds} kills, {fake.ArrivedCount} calls, {unsettledBefore} unsettled, {watch.Elapsed.TotalSeconds:0.0} s");
    }

    private static Process StartHost(string db, FakeProvider fake)
        => CrashHost.Start(db, fake.BaseUri.ToString(), FakeProvider.OpenAIKey, AgentId, Concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture), Body);

    private static async Task WaitForReadyAsync(Process host, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        string? line = await host.StandardOutput.ReadLineAsync(timeout.Token);
        if (line != "ready")
        {
            host.Kill();
            Assert.Fail($"the crash host did not start: {line} {await host.StandardError.ReadToEndAsync(cancellationToken)}");
        }
    }
}
