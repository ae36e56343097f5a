using System.Net;
using System.Text;
using IronRuntime.Router;
using IronRuntime.Tests.Support;
using Microsoft.Data.Sqlite;

namespace IronRuntime.Tests.State;

public sealed class SqliteStateTests
{
    private const string Body = """{"model":"gpt-4o-mini","max_tokens":100,"messages":[{"role":"user","content":"Hello there, my secret plan"}]}""";
    private string _dir = null!;

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("ironruntime-state-").FullName;

    [TearDown]
    public void TearDown()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Test]
    public async Task Calls_AreWrittenToSqliteWithExactCostAndNoContent()
    {
        string db = Path.Combine(_dir, "state.db");
        await using (var h = await RuntimeHarness.StartAsync(b => b.UseSqliteState(db)))
        {
            h.Fake.Usage = new TokenUsage(1000, 200, CachedInputTokens: 100);
            using var http = h.Runtime.CreateHttpClient("writer");
            for (int i = 0; i < 2; i++)
            {
                using var r = await http.PostAsync("/v1/chat/completions", Json(Body));
                Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            }
        }

        using var connection = new SqliteConnection($"Data Source={db};Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT agent_id, model, outcome, input_tokens, output_tokens, cached_input_tokens, cost FROM calls ORDER BY id";
        var rows = new List<(string Agent, string Model, string Outcome, long In, long Out, long Cached, string Cost)>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5), reader.GetString(6)));
            }
        }

        command.CommandText = "SELECT group_concat(agent_id || model || outcome || cost, '') FROM calls";
        string everything = (string)command.ExecuteScalar()!;

        decimal expected = (900 * 0.00000015m) + (100 * 0.000000075m) + (200 * 0.0000006m);
        Assert.Multiple(() =>
        {
            Assert.That(rows, Has.Count.EqualTo(2));
            Assert.That(rows.All(r => r == ("writer", "gpt-4o-mini", "Succeeded", 1000L, 200L, 100L, expected.ToString(System.Globalization.CultureInfo.InvariantCulture))), Is.True);
            Assert.That(everything, Does.Not.Contain("secret plan"));
        });
    }

    [Test]
    public async Task PiiDetections_AreAuditedInSqliteWithoutTheValue()
    {
        string db = Path.Combine(_dir, "state.db");
        const string email = "jane.roe@example.com";
        await using (var h = await RuntimeHarness.StartAsync(b => b.UseSqliteState(db).WithPii(p => p.ResponseMode = IronRuntime.Pii.PiiMode.Redact)))
        {
            h.Fake.ReplyText = $"Write to {email} today.";
            using var http = h.Runtime.CreateHttpClient("auditor");
            using var r = await http.PostAsync("/v1/chat/completions", Json(Body));
            Assert.That(await r.Content.ReadAsStringAsync(), Does.Contain("[EMAIL]").And.Not.Contain(email));
        }

        using var connection = new SqliteConnection($"Data Source={db};Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT agent_id, direction, entity_type, value_hash, mode FROM pii_audit";
        var rows = new List<string[]>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                rows.Add([reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4)]);
            }
        }

        byte[] file = await File.ReadAllBytesAsync(db);
        Assert.Multiple(() =>
        {
            Assert.That(rows, Has.Count.EqualTo(1));
            Assert.That(rows[0][..3], Is.EqualTo(new[] { "auditor", "Response", "EMAIL" }));
            Assert.That(rows[0][3], Is.Not.Empty.And.Not.Contain("jane"));
            Assert.That(rows[0][4], Is.EqualTo("Redact"));
            Assert.That(Encoding.UTF8.GetString(file), Does.Not.Contain(email), "the raw value is never stored");
        });
    }

    [Test]
    public async Task Restart_ChargesRecordedSpendToBudgets()
    {
        string db = Path.Combine(_dir, "state.db");
        decimal spentBefore;
        await using (var first = await RuntimeHarness.StartAsync(b => b.UseSqliteState(db)))
        {
            first.Fake.Usage = new TokenUsage(1000, 100);
            using var http = first.Runtime.CreateHttpClient("worker");
            using var r = await http.PostAsync("/v1/chat/completions", Json(Body));
            spentBefore = first.Runtime.GetMetrics("worker").BudgetSpent;
        }

        Assert.That(spentBefore, Is.GreaterThan(0m));
        await using var second = await RuntimeHarness.StartAsync(b => b.UseSqliteState(db).WithBudget(spentBefore + 0.000001m));
        using var again = second.Runtime.CreateHttpClient("worker");

        using var denied = await again.PostAsync("/v1/chat/completions", Json(Body));

        Assert.Multiple(() =>
        {
            Assert.That(second.Runtime.GetBudget().Spent, Is.EqualTo(spentBefore));
            Assert.That(second.Runtime.GetMetrics("worker").BudgetSpent, Is.EqualTo(spentBefore));
            Assert.That(denied.StatusCode, Is.EqualTo(HttpStatusCode.PaymentRequired), "the earlier run's spend counts against the limit");
        });
    }
}
