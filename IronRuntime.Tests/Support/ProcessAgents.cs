using System.Reflection;
using IronRuntime.Agents;

namespace IronRuntime.Tests.Support;

/// <summary>The agent scripts the tests run as child processes, and helpers to watch them.</summary>
public static class ProcessAgents
{
    /// <summary>The standard-library Python agent (<c>Agents/python/stdlib_agent.py</c>).</summary>
    public static string PythonAgent => Path.Combine(TestContext.CurrentContext.TestDirectory, "Agents", "python", "stdlib_agent.py");

    /// <summary>The <c>node_modules</c> folder the Node agents' packages were installed in (by the build, with <c>npm ci</c>).</summary>
    public static string NodeModules { get; } = typeof(ProcessAgents).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "NodeModules").Value!;

    /// <summary>A Node agent script in <c>Agents/node</c>.</summary>
    public static string NodeAgent(string name) => Path.Combine(TestContext.CurrentContext.TestDirectory, "Agents", "node", name);

    /// <summary>Options running the Python agent in <paramref name="mode"/> with <paramref name="arguments"/>.</summary>
    public static ProcessAgentOptions Python(string mode, params string[] arguments)
    {
        var options = new ProcessAgentOptions { Arguments = { mode } };
        foreach (string argument in arguments)
        {
            options.Arguments.Add(argument);
        }

        return options;
    }

    /// <summary>Options for a Node agent: its packages found through <c>NODE_PATH</c>.</summary>
    public static ProcessAgentOptions Node(params string[] arguments)
    {
        var options = new ProcessAgentOptions { Environment = { ["NODE_PATH"] = NodeModules } };
        foreach (string argument in arguments)
        {
            options.Arguments.Add(argument);
        }

        return options;
    }

    /// <summary>The text of the agent's output lines (standard output and error).</summary>
    public static string[] Lines(this AgentHandle agent) => [.. agent.GetRecentOutput().Select(l => l.Text)];

    /// <summary>The first output line starting with <paramref name="prefix"/>, once the agent has written it.</summary>
    public static async Task<string> WaitForLineAsync(this AgentHandle agent, string prefix, TimeSpan? timeout = null)
    {
        string? found = null;
        await Eventually.UntilAsync(
            () => (found = agent.Lines().FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal))) is not null || agent.HasEnded,
            timeout,
            $"agent {agent.AgentId} to write a line starting with '{prefix}'");
        found ??= agent.Lines().FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
        Assert.That(found, Is.Not.Null, $"agent {agent.AgentId} ended ({agent.Status}, exit {agent.ExitCode}) without '{prefix}'; it wrote: {string.Join(" | ", agent.Lines())}");
        return found!;
    }

    /// <summary>Waits (up to 30 s) for the agent to end and fails with its output when it ended other than as expected.</summary>
    public static async Task ExpectExitAsync(this AgentHandle agent, int exitCode = 0)
    {
        await agent.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.That((agent.Status, agent.ExitCode), Is.EqualTo((AgentStatus.Exited, (int?)exitCode)),
            $"agent {agent.AgentId} wrote: {string.Join(" | ", agent.Lines())}");
    }

    /// <summary>Whether a process with <paramref name="pid"/> is alive (Linux: exists and is not a zombie).</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            char state = stat[(stat.LastIndexOf(')') + 2)..][0];
            return state is not ('Z' or 'X');
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return false;
        }
    }
}
