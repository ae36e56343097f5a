using IronRuntime.Router;
using Microsoft.Extensions.Logging;

namespace IronRuntime.Load;

/// <summary>
/// The host under test: an application embedding the runtime with its default configuration and a budget, whose
/// loopback proxy points at <c>upstream</c>. Prints <c>READY &lt;proxy base&gt;</c>, then one <c>TOKEN &lt;token&gt;</c>
/// line per agent, and runs until its standard input closes (or it is signalled). With <c>--bare</c>, the same lines
/// come from a <see cref="BareForwarder"/> instead: no runtime, the floor any loopback proxy pays.
/// </summary>
internal static class LoadHost
{
    public static async Task<int> RunAsync(LoadArguments args, CancellationToken cancellationToken)
    {
        var upstream = new Uri(args.Get("upstream") ?? throw new ArgumentException("--upstream is required"));
        int agents = args.GetInt("agents", 1);
        int maxCalls = args.GetInt("max-calls", 0);
        int maxCallsPerAgent = args.GetInt("max-calls-per-agent", 0);
        if (args.Has("bare"))
        {
            var (app, address) = await BareForwarder.StartAsync(upstream, "sk-load-test", cancellationToken);
            await using (app)
            {
                return await ServeAsync(address, Enumerable.Repeat("bare", agents), cancellationToken);
            }
        }

        var builder = AgentRuntime.CreateBuilder()
            .WithBudget(1_000_000m)
            .UseOpenAI("sk-load-test", upstream)
            .Configure(c => c.Router.OpenAI.HttpVersion = args.Has("upstream-http2") ? LlmUpstreamHttpVersion.Http2 : LlmUpstreamHttpVersion.Auto)
            .ConfigureLogging(l => l
                .SetMinimumLevel(args.Has("verbose") ? LogLevel.Information : LogLevel.Warning)
                .AddSimpleConsole(c => c.SingleLine = true)
                .AddConsole(c => c.LogToStandardErrorThreshold = LogLevel.Trace));
        LoadLimits.Apply(builder, maxCalls, maxCallsPerAgent);
        await using var runtime = builder.Build();
        await runtime.Proxy.StartAsync(cancellationToken);
        return await ServeAsync(runtime.Proxy.BaseAddress,
            Enumerable.Range(0, agents).Select(i => runtime.Proxy.IssueToken("agent-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture))),
            cancellationToken);
    }

    /// <summary>Prints the proxy's address and the tokens, then answers STATS and HEAP until standard input closes.</summary>
    private static async Task<int> ServeAsync(Uri proxy, IEnumerable<string> tokens, CancellationToken cancellationToken)
    {
        var output = new System.Text.StringBuilder();
        output.Append("READY ").Append(proxy).Append('\n');
        foreach (string token in tokens)
        {
            output.Append("TOKEN ").Append(token).Append('\n');
        }

        output.Append("TOKENS-END\n");
        Console.Out.Write(output.ToString());
        Console.Out.Flush();

        // Runs until stdin closes: the driver (or test) that started it ends it by closing the pipe.
        var stdinClosed = Task.Run(() =>
        {
            while (Console.In.ReadLine() is { } line)
            {
                if (line == "STATS")
                {
                    Console.Out.WriteLine("STATS " + HeapReport.Stats());
                    Console.Out.Flush();
                }
                else if (line == "HEAP")
                {
                    Console.Out.WriteLine("HEAP " + HeapReport.Collect());
                    Console.Out.Flush();
                }
            }
        }, CancellationToken.None);
        await Task.WhenAny(stdinClosed, Task.Delay(Timeout.Infinite, cancellationToken));
        return 0;
    }
}
