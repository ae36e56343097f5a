using System.Globalization;
using IronRuntime.Agents;

namespace IronRuntime.Tests.Support;

/// <summary>
/// The test assembly's entry point (the test SDK's generated one is switched off). The test runner never calls it;
/// tests start <c>dotnet exec IronRuntime.Tests.dll …</c> to run a host in a process of its own, so that what the
/// host does to its process (made non-dumpable, say) is observed there, under the user and capabilities the test picks.
/// </summary>
internal static class ChildHostProgram
{
    /// <summary>The argument that asks for <see cref="ReadHostAsync"/>.</summary>
    public const string ReadHostCommand = "host-agent-reads-host";

    /// <summary>The argument that asks for <see cref="RunAgentAsync"/>.</summary>
    public const string RunAgentCommand = "host-runs-agent";

    public static Task<int> Main(string[] args) => args switch
    {
        [ReadHostCommand, var agentFile] => ReadHostAsync(agentFile),
        [RunAgentCommand, var agentFile] => RunAgentAsync(agentFile),
        [Proxy.RequestBodyMemoryProbe.Name, .. var rest] => Proxy.RequestBodyMemoryProbe.RunAsync(rest),
        [Budget.Redis.RedisFleetHost.Name, .. var rest] => Budget.Redis.RedisFleetHost.RunAsync(rest),
        _ => Task.FromResult(0),
    };

    /// <summary>
    /// A host with a real key in its environment (<c>OPENAI_API_KEY</c>, set by the test) runs the Python agent in
    /// <c>read-host</c> mode against the host's own pid and prints the agent's lines.
    /// </summary>
    private static async Task<int> ReadHostAsync(string agentFile)
    {
        await using var runtime = AgentRuntime.CreateBuilder().UseOpenAI(apiKey: null, new Uri("http://127.0.0.1:9/v1")).Build();
        var agent = await runtime.StartAgentAsync(agentFile, new ProcessAgentOptions
        {
            Arguments = { "read-host", Environment.ProcessId.ToString(CultureInfo.InvariantCulture) },
        });
        await agent.WaitForExitAsync();
        foreach (var line in agent.GetRecentOutput())
        {
            Console.WriteLine(line.Text);
        }

        return agent.ExitCode ?? -1;
    }

    /// <summary>Runs the agent file with the default interpreter (found on this process's <c>PATH</c>) and prints its lines.</summary>
    private static async Task<int> RunAgentAsync(string agentFile)
    {
        await using var runtime = AgentRuntime.CreateBuilder().UseOpenAI(apiKey: null, new Uri("http://127.0.0.1:9/v1")).Build();
        var agent = await runtime.StartAgentAsync(agentFile, new ProcessAgentOptions());
        await agent.WaitForExitAsync();
        foreach (var line in agent.GetRecentOutput())
        {
            Console.WriteLine(line.Text);
        }

        return agent.ExitCode ?? -1;
    }
}
