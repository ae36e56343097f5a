using System.Globalization;
using System.Net;
using System.Text;

namespace IronRuntime.Tests.Budget.Redis;

/// <summary>
/// One instance of a fleet, in a process of its own (see <see cref="Support.ChildHostProgram"/>): a runtime on the
/// shared Redis ledger and its own SQLite state, one in-process agent sending <c>calls</c> Chat Completions calls,
/// <c>concurrency</c> at a time (or without end when <c>calls</c> is 0). Prints <c>ready</c>, then one line
/// <c>done ok=… denied=… other=…</c> when its calls have ended.
/// </summary>
internal static class RedisFleetHost
{
    public const string Name = "redis-fleet-host";

    /// <summary>Arguments: redis, prefix, budget, provider, agent, calls, concurrency, lease ms, database, body.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        string redis = args[0];
        string prefix = args[1];
        decimal budget = decimal.Parse(args[2], CultureInfo.InvariantCulture);
        var provider = new Uri(args[3]);
        string agentId = args[4];
        int calls = int.Parse(args[5], CultureInfo.InvariantCulture);
        int concurrency = int.Parse(args[6], CultureInfo.InvariantCulture);
        var lease = TimeSpan.FromMilliseconds(int.Parse(args[7], CultureInfo.InvariantCulture));
        string database = args[8];
        string body = args[9];
        int ok = 0, denied = 0, other = 0, started = 0;
        await using (var runtime = AgentRuntime.CreateBuilder()
            .UseOpenAI(Fakes.FakeProvider.OpenAIKey, provider)
            .UseSqliteState(database)
            .WithBudget(budget)
            .UseRedisBudgetLedger(o =>
            {
                o.ConnectionString = redis;
                o.KeyPrefix = prefix;
                o.LeaseDuration = lease;

                // The fleet tests check exactness, not latency: on a starved machine (CI's 2 cores running the suite,
                // or a load average of 30) a round trip can pass the 2 s default, and the call is then refused with
                // the fail-closed 503, which is right but not what these tests measure.
                o.CommandTimeoutMilliseconds = 20_000;
            })
            .Build())
        {
            var agent = await runtime.StartAgentAsync(
                ctx => Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
                {
                    while (!ctx.StoppingToken.IsCancellationRequested && (calls == 0 || Interlocked.Increment(ref started) <= calls))
                    {
                        using var content = new StringContent(body, Encoding.UTF8, "application/json");
                        using var response = await ctx.HttpClient.PostAsync(new Uri("https://api.openai.com/v1/chat/completions"), content, ctx.StoppingToken);
                        byte[] answer = await response.Content.ReadAsByteArrayAsync(ctx.StoppingToken);
                        if (response.StatusCode == HttpStatusCode.OK)
                        {
                            Interlocked.Increment(ref ok);
                        }
                        else if (response.StatusCode == HttpStatusCode.PaymentRequired)
                        {
                            Interlocked.Increment(ref denied);
                        }
                        else
                        {
                            if (Interlocked.Increment(ref other) <= 3)
                            {
                                // What the test prints when it expected none: the status and the start of the error body.
                                string text = Encoding.UTF8.GetString(answer, 0, Math.Min(answer.Length, 300)).ReplaceLineEndings(" ");
                                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"other {(int)response.StatusCode} {text}"));
                            }
                        }
                    }
                })),
                new IronRuntime.Agents.AgentOptions { AgentId = agentId, Name = "fleet-load" });
            Console.WriteLine("ready");
            await agent.WaitForExitAsync();
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"done ok={ok} denied={denied} other={other}"));
        return 0;
    }
}
