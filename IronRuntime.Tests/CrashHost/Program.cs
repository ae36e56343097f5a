// Usage: dotnet IronRuntime.Tests.CrashHost.dll <database> <provider base url> <provider key> <agent id> <concurrency> <body>
// Starts a runtime on <database> with one in-process agent that sends <body> to Chat Completions from <concurrency>
// loops until the process is killed; writes "ready" once the agent runs.
//
// Or: dotnet IronRuntime.Tests.CrashHost.dll process-agent <executable> [user]
// Starts a runtime (simulated provider, no state file) with one process agent, as <user> when given; writes
// "agent <pid>" once it runs (see Agents/ProcessAgentHostDeathTests.cs).
using System.Text;
using IronRuntime;

if (args[0] == "process-agent")
{
    await using var host = AgentRuntime.CreateBuilder().UseSimulatedProvider().Build();
    var options = new IronRuntime.Agents.ProcessAgentOptions { User = args.Length > 2 ? args[2] : null };
    var processAgent = await host.StartAgentAsync(args[1], options);
    Console.WriteLine($"agent {processAgent.ProcessId}");
    await processAgent.WaitForExitAsync();
    Console.WriteLine($"ended {processAgent.Status}");
    return;
}

string database = args[0];
var provider = new Uri(args[1]);
string key = args[2];
string agentId = args[3];
int concurrency = int.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture);
string body = args[5];

await using var runtime = AgentRuntime.CreateBuilder().UseOpenAI(key, provider).UseSqliteState(database).Build();
var agent = await runtime.StartAgentAsync(
    ctx => Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
    {
        while (!ctx.StoppingToken.IsCancellationRequested)
        {
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = await ctx.HttpClient.PostAsync(new Uri("https://api.openai.com/v1/chat/completions"), content, ctx.StoppingToken);
            await response.Content.ReadAsByteArrayAsync(ctx.StoppingToken);
        }
    })),
    new IronRuntime.Agents.AgentOptions { AgentId = agentId, Name = "crash-load" });
Console.WriteLine("ready");
await agent.WaitForExitAsync();
Console.WriteLine($"ended {agent.Status} {agent.Fault?.Message}");
