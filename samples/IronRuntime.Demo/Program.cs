// IronRuntime demo: three in-process agents and one Python child process share a small budget; every LLM call they make is priced,
// attributed and held to its budget. Uses the real providers when OPENAI_API_KEY / ANTHROPIC_API_KEY are set,
// the built-in simulated provider otherwise. With --dashboard it also serves the IronRuntime dashboard on 127.0.0.1 and
// keeps running (with a trickle of simulated calls) until Ctrl+C.
using System.ClientModel;
using System.ClientModel.Primitives;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using IronRuntime;
using IronRuntime.Agents;
using IronRuntime.Demo;
using Microsoft.Extensions.Logging;
using OpenAI;
using OpenAI.Chat;

bool hasOpenAI = !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("OPENAI_API_KEY"));
bool hasAnthropic = !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("ANTHROPIC_API_KEY"));
bool simulated = !hasOpenAI && !hasAnthropic;
bool serveDashboard = args.Contains("--dashboard");

void ConfigureRuntime(IronRuntimeBuilder builder)
{
    builder.WithBudget(0.05m)
        .Configure(c => c.Verbose = false)
        .ConfigureLogging(l => l.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
    if (simulated)
    {
        builder.UseSimulatedProvider();
    }
}

await using var dashboard = serveDashboard ? await DemoDashboard.StartAsync(ConfigureRuntime) : null;
await using var standalone = dashboard is null ? Standalone() : null;
var runtime = dashboard?.Runtime ?? standalone!;
runtime.BudgetAlert += (_, alert) => Console.WriteLine(
    $"  ! budget alert: {(alert.AgentId ?? "global")} crossed {alert.Threshold:P0} (spent ${alert.Spent:0.######} of ${alert.Limit})");

Console.WriteLine(simulated
    ? "IronRuntime demo — no provider key in the environment, using the built-in simulated provider."
    : $"IronRuntime demo — real providers: {(hasOpenAI ? "OpenAI " : "")}{(hasAnthropic ? "Anthropic" : "")}");
Console.WriteLine($"Global budget: ${runtime.GetBudget().Limit}");
Console.WriteLine();

var agents = new List<AgentHandle>();
if (simulated || hasOpenAI)
{
    agents.Add(await runtime.StartAgentAsync(WriterAsync, new AgentOptions { AgentId = "writer", Budget = 0.01m }));
}

if (simulated || hasAnthropic)
{
    agents.Add(await runtime.StartAgentAsync(AnalystAsync, new AgentOptions { AgentId = "analyst", Budget = 0.01m }));
}

if (simulated || hasOpenAI)
{
    agents.Add(await runtime.StartAgentAsync(SpenderAsync, new AgentOptions { AgentId = "spender", Budget = 0.002m }));
}

// A Python program as a child process: unmodified, governed through the runtime's loopback proxy.
string script = Path.Combine(AppContext.BaseDirectory, "agents", "researcher.py");
AgentHandle? researcher = null;
if (simulated || hasOpenAI)
{
    try
    {
        researcher = await runtime.StartAgentAsync(script, new ProcessAgentOptions { AgentId = "researcher", Budget = 0.01m });
        agents.Add(researcher);
    }
    catch (Exception ex) when (ex is InvalidOperationException or FileNotFoundException)
    {
        Console.WriteLine($"[researcher] skipped: {ex.Message}");
    }
}

foreach (var agent in agents)
{
    await agent.WaitForExitAsync();
}

if (researcher is not null)
{
    foreach (var line in researcher.GetRecentOutput())
    {
        Console.WriteLine($"[researcher] {(line.IsError ? "stderr: " : "")}{line.Text}");
    }
}

Console.WriteLine();
Console.WriteLine($"{"agent",-10} {"status",-8} {"requests",8} {"denied",6} {"in tok",8} {"out tok",8} {"spent $",12} {"budget $",9}");
foreach (var agent in agents)
{
    var m = runtime.GetMetrics(agent.AgentId);
    Console.WriteLine($"{agent.AgentId,-10} {agent.Status,-8} {m.Requests,8} {m.DeniedRequests,6} {m.InputTokens,8} {m.OutputTokens,8} {m.BudgetSpent,12:0.########} {m.BudgetLimit,9}");
}

var total = runtime.GetTotals();
Console.WriteLine($"{"total",-10} {"",-8} {total.Requests,8} {total.DeniedRequests,6} {total.InputTokens,8} {total.OutputTokens,8} {total.BudgetSpent,12:0.########} {runtime.GetBudget().Limit,9}");

// A failed agent is shown as failed, with why: its exception (an in-process agent) or its exit code (a process).
var failed = agents.Where(a => a.Status == AgentStatus.Failed).ToList();
foreach (var agent in failed)
{
    Console.WriteLine($"  ! {agent.AgentId} FAILED: {agent.Fault?.GetType().Name}: {agent.Fault?.Message}");
}

if (dashboard is not null)
{
    await dashboard.RunUntilStoppedAsync(simulated);
}

return failed.Count == 0 ? 0 : 1;

AgentRuntime Standalone()
{
    var builder = AgentRuntime.CreateBuilder();
    ConfigureRuntime(builder);
    return builder.Build();
}

// Uses the official OpenAI .NET SDK with the runtime's HttpClient as transport; the key is a placeholder:
// the runtime injects the real one.
async Task WriterAsync(AgentContext ctx)
{
    var client = new ChatClient("gpt-4o-mini", new ApiKeyCredential("agent-placeholder"),
        new OpenAIClientOptions { Transport = new HttpClientPipelineTransport(ctx.HttpClient) });

    ChatCompletion reply = await client.CompleteChatAsync(
        [new UserChatMessage("Write one sentence about budgets for AI agents.")],
        new ChatCompletionOptions { MaxOutputTokenCount = 60 }, ctx.StoppingToken);
    Console.WriteLine($"[writer]  {Trim(reply.Content[0].Text)}  ({reply.Usage.InputTokenCount} in / {reply.Usage.OutputTokenCount} out){Spent(ctx)}");

    var streamed = new StringBuilder();
    await foreach (var update in client.CompleteChatStreamingAsync(
        [new UserChatMessage("Stream a short haiku about safe agents.")],
        new ChatCompletionOptions { MaxOutputTokenCount = 60 }, ctx.StoppingToken))
    {
        foreach (var part in update.ContentUpdate)
        {
            streamed.Append(part.Text);
        }
    }

    Console.WriteLine($"[writer]  streamed: {Trim(streamed.ToString())}{Spent(ctx)}");
}

// Speaks the Anthropic Messages wire format directly over the runtime's HttpClient, streaming.
async Task AnalystAsync(AgentContext ctx)
{
    using var request = new HttpRequestMessage(HttpMethod.Post, "https://api.anthropic.com/v1/messages")
    {
        Content = JsonContent.Create(new
        {
            model = "claude-haiku-4-5",
            max_tokens = 80,
            stream = true,
            messages = new[] { new { role = "user", content = "Name three risks of unbudgeted agents." } },
        }),
    };
    request.Headers.Add("anthropic-version", "2023-06-01");
    using var response = await ctx.HttpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ctx.StoppingToken);
    response.EnsureSuccessStatusCode();
    var text = new StringBuilder();
    using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ctx.StoppingToken));
    while (await reader.ReadLineAsync(ctx.StoppingToken) is { } line)
    {
        if (line.StartsWith("data: ", StringComparison.Ordinal) && line.Contains("\"text_delta\"", StringComparison.Ordinal))
        {
            using var doc = JsonDocument.Parse(line.AsMemory(6));
            text.Append(doc.RootElement.GetProperty("delta").GetProperty("text").GetString());
        }
    }

    Console.WriteLine($"[analyst] streamed: {Trim(text.ToString())}{Spent(ctx)}");
}

// Keeps calling an expensive model until its small budget refuses the call with HTTP 402.
async Task SpenderAsync(AgentContext ctx)
{
    var client = new ChatClient("gpt-4o", new ApiKeyCredential("agent-placeholder"),
        new OpenAIClientOptions { Transport = new HttpClientPipelineTransport(ctx.HttpClient) });
    for (int i = 1; i <= 20; i++)
    {
        try
        {
            ChatCompletion reply = await client.CompleteChatAsync(
                [new UserChatMessage($"Give me fact number {i} about cost control.")],
                new ChatCompletionOptions { MaxOutputTokenCount = 40 }, ctx.StoppingToken);
            Console.WriteLine($"[spender] call {i}: {reply.Usage.InputTokenCount} in / {reply.Usage.OutputTokenCount} out{Spent(ctx)}");
        }
        catch (ClientResultException ex) when (ex.Status == 402)
        {
            string body = ex.GetRawResponse()?.Content.ToString() ?? ex.Message;
            using var doc = JsonDocument.Parse(body);
            Console.WriteLine($"[spender] call {i} refused with 402: {doc.RootElement.GetProperty("error").GetProperty("message").GetString()}");
            return;
        }
    }
}

// The agent's spend so far, from the runtime's metrics.
string Spent(AgentContext ctx)
{
    var m = runtime.GetMetrics(ctx.AgentId);
    return $"  — spent ${m.BudgetSpent:0.########} of ${m.BudgetLimit}";
}

static string Trim(string text)
{
    text = text.ReplaceLineEndings(" ").Trim();
    return text.Length <= 90 ? text : string.Concat(text.AsSpan(0, 87), "...");
}
