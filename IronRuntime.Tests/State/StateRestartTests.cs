using System.Net;
using System.Text;
using IronRuntime.Agents;
using IronRuntime.Pii;
using IronRuntime.Router;
using IronRuntime.State;
using IronRuntime.Tests.Fakes;
using IronRuntime.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace IronRuntime.Tests.State;

/// <summary>Metrics, spend and agent history across a clean restart on the same state file.</summary>
public sealed class StateRestartTests
{
    private const string Body = """{"model":"gpt-4o-mini","max_tokens":100,"messages":[{"role":"user","content":"Hello there"}]}""";
    private const string UnpricedBody = """{"model":"gpt-unknown-model","max_tokens":100,"messages":[{"role":"user","content":"Hello"}]}""";
    private string _dir = null!;

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("ironruntime-restart-").FullName;

    [TearDown]
    public void TearDown()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>Every counter of a metrics record, spend included (limit and reserved are not state).</summary>
    private static object Counters(AgentMetrics m) => new
    {
        m.BudgetSpent, m.Requests, m.SucceededRequests, m.DeniedRequests, m.Errors, m.InputTokens, m.OutputTokens,
        m.CachedInputTokens, m.CacheCreationInputTokens, m.ReasoningTokens, m.PiiDetections, m.EstimatedCharges, m.UnsettledRequests,
        ByType = string.Join(",", m.PiiDetectionsByType.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}")),
    };

    [Test]
    public async Task CleanRestart_MetricsAndAgentHistory_AreEqualAndARestartedAgentContinues()
    {
        string db = Path.Combine(_dir, "state.db");
        var fake = await FakeProvider.StartAsync(); // disposed with the first harness
        fake.Usage = new TokenUsage(30, 20, CachedInputTokens: 10, ReasoningTokens: 5);
        fake.ReplyText = "Mail john.smith@example.com or pay with 4111 1111 1111 1111, john.smith@example.com.";
        AgentMetrics before, totalsBefore;
        IReadOnlyList<AgentRunRecord> historyBefore;
        await using (var first = await RuntimeHarness.StartAsync(b => b.UseSqliteState(db).WithPii(p => p.ResponseMode = PiiMode.Detect), fake))
        {
            var a1 = await first.Runtime.StartAgentAsync(async ctx =>
            {
                for (int i = 0; i < 3; i++)
                {
                    using var ok = await ctx.HttpClient.PostAsync(new Uri("https://api.openai.com/v1/chat/completions"), Json(Body), ctx.StoppingToken);
                    Assert.That(ok.StatusCode, Is.EqualTo(HttpStatusCode.OK));
                }

                using var denied = await ctx.HttpClient.PostAsync(new Uri("https://api.openai.com/v1/chat/completions"), Json(UnpricedBody), ctx.StoppingToken);
                Assert.That(denied.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), "no price while a budget applies: denied by the gate");
                fake.FailNext(1, 403);
                using var error = await ctx.HttpClient.PostAsync(new Uri("https://api.openai.com/v1/chat/completions"), Json(Body), ctx.StoppingToken);
                Assert.That(error.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            }, new AgentOptions { AgentId = "a1", Name = "first agent", Budget = 1m });
            await a1.WaitForExitAsync();
            var a2 = await first.Runtime.StartAgentAsync(_ => throw new InvalidOperationException("boom"), new AgentOptions { AgentId = "a2" });
            await a2.WaitForExitAsync();
            using (var unattributed = first.Runtime.CreateHttpClient())
            {
                using var r = await unattributed.PostAsync(new Uri("https://api.openai.com/v1/chat/completions"), Json(Body));
            }

            before = first.Runtime.GetMetrics("a1");
            totalsBefore = first.Runtime.GetTotals();
            historyBefore = first.Runtime.ListAgentHistory();
        }

        Assert.Multiple(() =>
        {
            Assert.That(before.Requests, Is.EqualTo(5));
            Assert.That((before.SucceededRequests, before.DeniedRequests, before.Errors), Is.EqualTo((3L, 1L, 1L)));
            Assert.That(before.PiiDetectionsByType, Is.EquivalentTo(new Dictionary<string, long> { [PiiEntityTypes.Email] = 6, [PiiEntityTypes.CreditCard] = 3 }));
            Assert.That(historyBefore.Select(r => (r.AgentId, r.Kind, r.Status, r.ExitCode, r.Fault)),
                Is.EqualTo(new (string, AgentKind, AgentStatus, int?, string?)[] { ("a1", AgentKind.InProcess, AgentStatus.Exited, 0, null), ("a2", AgentKind.InProcess, AgentStatus.Failed, null, "boom") }));
        });

        await using var second = await RuntimeHarness.StartAsync(b => b.UseSqliteState(db).WithPii(p => p.ResponseMode = PiiMode.Detect));
        second.Fake.Usage = fake.Usage;
        Assert.Multiple(() =>
        {
            Assert.That(Counters(second.Runtime.GetMetrics("a1")), Is.EqualTo(Counters(before)));
            Assert.That(Counters(second.Runtime.GetTotals()), Is.EqualTo(Counters(totalsBefore)));
            Assert.That(second.Runtime.ListAgentHistory(), Is.EqualTo(historyBefore));
            Assert.That(second.Runtime.ListAgents(), Is.Empty, "only agents of this runtime are handles");
        });

        // The same id again: its metrics and budget continue.
        decimal limit = before.BudgetSpent + 0.001m; // room for one call (worst case under $0.0001) on top of the restored spend
        var again = await second.Runtime.StartAgentAsync(async ctx =>
        {
            using var ok = await ctx.HttpClient.PostAsync(new Uri("https://api.openai.com/v1/chat/completions"), Json(Body), ctx.StoppingToken);
            Assert.That(ok.StatusCode, Is.EqualTo(HttpStatusCode.OK), await ok.Content.ReadAsStringAsync());
        }, new AgentOptions { AgentId = "a1", Name = "first agent", Budget = limit });
        await again.WaitForExitAsync();
        Assert.That(again.Fault, Is.Null);
        var after = second.Runtime.GetMetrics("a1");
        Assert.Multiple(() =>
        {
            Assert.That(after.Requests, Is.EqualTo(before.Requests + 1));
            Assert.That((after.SucceededRequests, after.BudgetSpent), Is.EqualTo((before.SucceededRequests + 1, before.BudgetSpent + (before.BudgetSpent / 3))), "one more call at the same price as each of the first three");
            Assert.That(after.BudgetLimit, Is.EqualTo(limit));
            Assert.That(second.Runtime.ListAgentHistory().Select(r => r.AgentId), Is.EqualTo(new[] { "a1", "a2", "a1" }));
        });
    }

    [Test]
    public async Task UseSqliteState_ResolvingTheRuntime_DoesNoDatabaseIoUntilFirstUse()
    {
        string db = Path.Combine(_dir, "lazy", "state.db");
        await using var runtime = AgentRuntime.CreateBuilder().UseSqliteState(db).Build();

        Assert.That(File.Exists(db), Is.False, "nothing is opened while building");
        _ = runtime.GetTotals();
        Assert.That(File.Exists(db), Is.True, "opened on first use");
    }

    [Test]
    public async Task RegisteredStore_IsUsedInsteadOfSqlite_AndRestoredFrom()
    {
        var store = new RecordingStore(new StoredRuntimeState(
            new AgentMetrics { BudgetSpent = 0.5m, Requests = 7 },
            [new AgentMetrics { AgentId = "old", BudgetSpent = 0.25m, Requests = 4, PiiDetectionsByType = new Dictionary<string, long> { ["EMAIL"] = 2 }, PiiDetections = 2 }],
            [new AgentRunRecord("old", "old", AgentKind.Process, DateTimeOffset.UnixEpoch, null, AgentStatus.Running, null, null) { Interrupted = true }]));
        await using var h = await RuntimeHarness.StartAsync(b => b.UseSqliteState(Path.Combine(_dir, "unused.db")).Services.AddSingleton<IRuntimeStateStore>(store));
        using var http = h.Runtime.CreateHttpClient("new");
        using var r = await http.PostAsync(new Uri("https://api.openai.com/v1/chat/completions"), Json(Body));

        Assert.Multiple(() =>
        {
            Assert.That(store.Records.Select(c => c.AgentId), Is.EqualTo(new[] { "new" }));
            Assert.That(h.Runtime.GetTotals().Requests, Is.EqualTo(8));
            Assert.That(h.Runtime.GetMetrics("old").PiiDetectionsByType["EMAIL"], Is.EqualTo(2));
            Assert.That(h.Runtime.GetBudget().Spent, Is.EqualTo(0.5m + store.Records[0].Cost));
            Assert.That(h.Runtime.GetBudget("old").Spent, Is.EqualTo(0.25m));
            Assert.That(h.Runtime.ListAgentHistory().Single().Interrupted, Is.True);
            Assert.That(File.Exists(Path.Combine(_dir, "unused.db")), Is.False);
        });
    }

    private sealed class RecordingStore(StoredRuntimeState state) : IRuntimeStateStore
    {
        public List<CallRecord> Records { get; } = [];

        public void Append(CallRecord record)
        {
            lock (Records)
            {
                Records.Add(record);
            }
        }

        public void AppendAudit(PiiAuditEvent auditEvent)
        {
        }

        public void AppendAgentRun(AgentRunRecord run)
        {
        }

        public StoredRuntimeState Load() => state;

        public Task FlushAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;
    }
}
