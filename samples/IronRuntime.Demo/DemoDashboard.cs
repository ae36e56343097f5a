using System.Net.Http.Json;
using IronRuntime;
using IronRuntime.Agents;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace IronRuntime.Demo;

/// <summary>
/// <c>--dashboard</c>: the demo's runtime inside a small ASP.NET Core host on 127.0.0.1 serving the IronRuntime
/// dashboard (<c>MapIronRuntimeDashboard</c>), with a SQLite state file of its own (deleted at the end) so the page has
/// history. After the demo's agents finish it keeps serving and, with the simulated provider, keeps a slow trickle of
/// calls going (two agents that call every few seconds until stopped) so the page moves. Ctrl+C stops it.
/// </summary>
internal sealed class DemoDashboard : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _statePath;

    private DemoDashboard(WebApplication app, string statePath)
    {
        _app = app;
        _statePath = statePath;
    }

    public AgentRuntime Runtime => _app.Services.GetRequiredService<AgentRuntime>();

    /// <summary>The page's address.</summary>
    public string Url { get; private set; } = "";

    public static async Task<DemoDashboard> StartAsync(Action<IronRuntimeBuilder> configure)
    {
        string statePath = Path.Combine(Path.GetTempPath(), $"ironruntime-demo-{Environment.ProcessId}.db");
        var builder = WebApplication.CreateSlimBuilder();
        // Port 0: a free port is picked (IRONRUNTIME_DASHBOARD_URL chooses one, e.g. http://127.0.0.1:5080).
        builder.WebHost.UseUrls(Environment.GetEnvironmentVariable("IRONRUNTIME_DASHBOARD_URL") ?? "http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddIronRuntime(b =>
        {
            configure(b);
            b.UseSqliteState(statePath);
        });
        var app = builder.Build();
        app.UseWebSockets();
        app.MapIronRuntimeDashboard();
        await app.StartAsync();
        var dashboard = new DemoDashboard(app, statePath);
        dashboard.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/ironruntime/";
        Console.WriteLine($"Dashboard: {dashboard.Url}");
        return dashboard;
    }

    /// <summary>Keeps serving (and, simulated, calling) until Ctrl+C.</summary>
    public async Task RunUntilStoppedAsync(bool simulated)
    {
        var trickle = new List<AgentHandle>();
        if (simulated)
        {
            trickle.Add(await Runtime.StartAgentAsync(ctx => TrickleAsync(ctx, "gpt-4o-mini"), new AgentOptions { AgentId = "support-bot", Budget = 0.01m }));
            trickle.Add(await Runtime.StartAgentAsync(ctx => TrickleAsync(ctx, "claude-haiku-4-5"), new AgentOptions { AgentId = "ops-bot", Budget = 0.01m }));
        }

        Console.WriteLine();
        Console.WriteLine(simulated
            ? $"Dashboard still serving at {Url} with a trickle of simulated calls (support-bot, ops-bot). Ctrl+C stops."
            : $"Dashboard still serving at {Url} (no simulated calls: real provider keys are set). Ctrl+C stops.");
        await _app.WaitForShutdownAsync();
        foreach (var agent in trickle)
        {
            await Runtime.StopAgentAsync(agent.AgentId);
        }

        Console.WriteLine("Dashboard stopped.");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        foreach (string file in new[] { _statePath, _statePath + "-wal", _statePath + "-shm" })
        {
            File.Delete(file);
        }
    }

    /// <summary>One short call every 2–5 seconds until stopped (or refused by its budget, then it waits and tries again).</summary>
    private static async Task TrickleAsync(AgentContext ctx, string model)
    {
        bool anthropic = model.StartsWith("claude", StringComparison.Ordinal);
        int n = 0;
        while (!ctx.StoppingToken.IsCancellationRequested)
        {
            n++;
            using var request = new HttpRequestMessage(HttpMethod.Post, anthropic ? "https://api.anthropic.com/v1/messages" : "https://api.openai.com/v1/chat/completions")
            {
                Content = JsonContent.Create(new
                {
                    model,
                    max_tokens = 40,
                    messages = new[] { new { role = "user", content = $"Status check number {n}: anything to report?" } },
                }),
            };
            if (anthropic)
            {
                request.Headers.Add("anthropic-version", "2023-06-01");
            }

            try
            {
                using var response = await ctx.HttpClient.SendAsync(request, ctx.StoppingToken);
            }
            catch (HttpRequestException)
            {
                // Shown on the page as an error; keep trickling.
            }

            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(2000, 5000)), ctx.StoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }
}
