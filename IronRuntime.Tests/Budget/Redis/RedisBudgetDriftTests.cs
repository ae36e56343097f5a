using System.Net;
using System.Text;
using IronRuntime.Budget.Redis;
using IronRuntime.Router;
using IronRuntime.Tests.Fakes;
using IronRuntime.Tests.Support;
using Microsoft.Data.Sqlite;

namespace IronRuntime.Tests.Budget.Redis;

/// <summary>
/// Two instances on one Redis, 10,000 calls with client aborts (before the answer and in the middle of streams) and
/// provider failures: Redis's spend equals the sum of the call records the instances wrote to their own SQLite files.
/// </summary>
[NonParallelizable]
public sealed class RedisBudgetDriftTests
{
    private const string ChatUrl = "https://api.openai.com/v1/chat/completions";

    [Test]
    [CancelAfter(300_000)]
    public async Task TenThousandCalls_AbortsAndProviderFailures_RedisSpendEqualsTheInstancesCallRecords(CancellationToken cancellationToken)
    {
        const int Calls = 10_000;
        await using var server = await RedisTestServer.StartAsync();
        string dir = Directory.CreateTempSubdirectory("ironruntime-drift-").FullName;
        string prefix = "drift" + Guid.NewGuid().ToString("N")[..8];
        await using var fake = await FakeProvider.StartAsync(cancellationToken: cancellationToken);
        fake.Usage = new TokenUsage(30, 12);
        var dbs = new[] { Path.Combine(dir, "a.db"), Path.Combine(dir, "b.db") };
        var instances = new List<RuntimeHarness>();
        foreach (string db in dbs)
        {
            instances.Add(await RuntimeHarness.StartAsync(b => b.WithBudget(1000m).UseSqliteState(db)
                .Configure(c => c.Resilience.MaxRetryAttempts = 0)
                .UseRedisBudgetLedger(o =>
                {
                    o.ConnectionString = server.ConnectionString;
                    o.KeyPrefix = prefix;
                }), fake));
        }

        int next = 0, aborted = 0, failed = 0;
        var random = new Random(12);
        var loops = instances.SelectMany((h, i) => Enumerable.Range(0, 16).Select(loop => Task.Run(async () =>
        {
            using var http = h.Runtime.CreateHttpClient("agent-" + i + "-" + (loop % 4));
            var rnd = new Random((i * 100) + loop);
            while (Interlocked.Increment(ref next) <= Calls)
            {
                bool stream = rnd.Next(2) == 0;
                if (rnd.Next(20) == 0)
                {
                    fake.FailNext(1, rnd.Next(2) == 0 ? 500 : 429);
                }

                using var abort = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                if (rnd.Next(5) == 0)
                {
                    abort.CancelAfter(rnd.Next(0, 4));
                }

                string body = $$"""{"model":"gpt-4o-mini","max_tokens":40,"messages":[{"role":"user","content":"call {{rnd.Next()}}"}]{{(stream ? ",\"stream\":true,\"stream_options\":{\"include_usage\":true}" : "")}}}""";
                try
                {
                    using var response = await http.PostAsync(ChatUrl, new StringContent(body, Encoding.UTF8, "application/json"), abort.Token);
                    await response.Content.ReadAsByteArrayAsync(abort.Token);
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        Interlocked.Increment(ref failed);
                    }
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    Interlocked.Increment(ref aborted);
                }
            }
        }, cancellationToken))).ToArray();
        await Task.WhenAll(loops);
        foreach (var h in instances)
        {
            await h.Runtime.DisposeAsync(); // writes the last records and settlements
        }

        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        var spent = (long)await redis.GetDatabase().HashGetAsync("{" + prefix + "}:all:g", "spent");
        var reserved = (long)await redis.GetDatabase().HashGetAsync("{" + prefix + "}:all:g", "reserved");
        long recorded = 0;
        int records = 0;
        foreach (string db in dbs)
        {
            await using var connection = new SqliteConnection($"Data Source={db};Mode=ReadOnly;Pooling=False");
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT cost FROM calls";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                recorded += RedisMoney.ToUnits(decimal.Parse(reader.GetString(0), System.Globalization.CultureInfo.InvariantCulture));
                records++;
            }
        }

        TestContext.Out.WriteLine($"{records} records, {aborted} aborted by the client, {failed} not OK, {fake.ArrivedCount} reached the provider, spent {spent} units");
        Assert.Multiple(() =>
        {
            Assert.That(records, Is.GreaterThan(Calls / 2), "the calls that reached the gate are recorded");
            Assert.That(aborted, Is.GreaterThan(100), "client aborts happened");
            Assert.That(failed, Is.GreaterThan(100), "provider failures happened");
            Assert.That(reserved, Is.Zero);
            Assert.That(spent, Is.EqualTo(recorded), "Redis totals equal the sum of the instances' call records (each rounded up to a nano-dollar)");
        });
        SqliteConnection.ClearAllPools();
        Directory.Delete(dir, recursive: true);
    }
}
