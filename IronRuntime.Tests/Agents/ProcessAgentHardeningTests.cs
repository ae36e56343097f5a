using System.Diagnostics;
using System.Runtime.Versioning;
using IronRuntime.Agents.Processes;
using IronRuntime.Tests.Support;

namespace IronRuntime.Tests.Agents;

/// <summary>
/// Linux hardening of the host while process agents run: an agent running as the host's user can read neither the
/// host's environment (where the real keys live) nor its memory, and cannot ptrace it.
/// </summary>
[Platform("Linux")]
[SupportedOSPlatform("linux")]
public sealed class ProcessAgentHardeningTests
{
    [Test]
    public async Task AgentOfTheHostsUser_CannotReadTheHostsEnvironmentOrMemory_NorPtraceIt()
    {
        // The host runs in a process of its own. Under root it runs without any capability (uid 0 with CAP_SYS_PTRACE
        // passes every check, see docs/security.md; and the kernel also refuses a tracer whose capabilities are not a
        // superset of its target's): the host and its agent are then exactly an ordinary user's two processes.
        string secret = "sk-child-host-secret-" + Guid.NewGuid().ToString("N");
        var start = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            FileName = UnixProcesses.IsRoot ? "setpriv" : DotnetHost,
            Environment = { ["OPENAI_API_KEY"] = secret },
        };
        if (UnixProcesses.IsRoot)
        {
            foreach (string argument in new[] { "--inh-caps=-all", "--bounding-set=-all", "--", DotnetHost })
            {
                start.ArgumentList.Add(argument);
            }
        }

        foreach (string argument in new[] { "exec", typeof(ChildHostProgram).Assembly.Location, ChildHostProgram.ReadHostCommand, ProcessAgents.PythonAgent })
        {
            start.ArgumentList.Add(argument);
        }

        using var host = Process.Start(start)!;
        var output = host.StandardOutput.ReadToEndAsync();
        var errors = host.StandardError.ReadToEndAsync();
        try
        {
            await host.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
        }
        finally
        {
            if (!host.HasExited)
            {
                host.Kill(entireProcessTree: true);
            }
        }

        string[] lines = (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string all = string.Join(" | ", lines) + " | stderr: " + await errors;
        Assert.Multiple(() =>
        {
            Assert.That(host.ExitCode, Is.Zero, all);
            Assert.That(lines, Has.One.StartsWith("ENVIRON denied"), all);
            Assert.That(lines, Has.One.StartsWith("MEM denied"), all);
            Assert.That(lines, Has.One.StartsWith("PTRACE denied"), all);
            Assert.That(all, Does.Not.Contain(secret));
        });
    }

    [Test]
    public async Task FirstProcessAgent_MakesTheHostNonDumpableAndAChildSubreaper()
    {
        await using var h = await RuntimeHarness.StartAsync();

        var agent = await h.Runtime.StartAgentAsync(ProcessAgents.PythonAgent, ProcessAgents.Python("chat", "1"));
        await agent.ExpectExitAsync();

        Assert.Multiple(() =>
        {
            Assert.That(UnixProcessControl.IsDumpable, Is.False, "prctl(PR_GET_DUMPABLE)");
            Assert.That(UnixProcessControl.IsChildSubreaper, Is.True, "prctl(PR_GET_CHILD_SUBREAPER)");
        });
    }

    [TestCase(null)]
    [TestCase("65534")]
    public async Task User_AgentRunsAsThatUserAndGroup_CallsThroughTheProxy_AndNothingOfItOutlivesAStop(string? group)
    {
        if (!UnixProcesses.IsRoot)
        {
            Assert.Ignore("Running an agent as another user needs a root host (or CAP_SETUID and CAP_SETGID), and the test creates its user with useradd.");
        }

        // The test user cannot enter /root, where a pyenv Python may live: use the system's.
        string python = new[] { "/usr/bin/python3", "/usr/local/bin/python3" }.FirstOrDefault(File.Exists)
            ?? throw new IgnoreException("No system-wide python3 (/usr/bin or /usr/local/bin) the test user could run.");
        var (uid, gid) = UnixProcesses.EnsureUser("ironruntime-agent");
        int expectedGid = group is null ? gid : 65534;

        // The test user cannot enter the checkout either when it lies under a private folder (a CI clone in a
        // mktemp -d folder is 0700): run a copy of the script from a folder every user can read.
        var readable = Directory.CreateTempSubdirectory("ironruntime-agent-");
        readable.UnixFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        string script = Path.Combine(readable.FullName, Path.GetFileName(ProcessAgents.PythonAgent));
        File.Copy(ProcessAgents.PythonAgent, script);
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        try
        {
            await RunAsUserAsync(script, python, uid, expectedGid, group);
        }
        finally
        {
            readable.Delete(recursive: true);
        }
    }

    private static async Task RunAsUserAsync(string script, string python, int uid, int expectedGid, string? group)
    {
        await using var h = await RuntimeHarness.StartAsync();

        var whoami = ProcessAgents.Python("whoami");
        (whoami.User, whoami.Group, whoami.Interpreter, whoami.WorkingDirectory) = ("ironruntime-agent", group, python, Path.GetDirectoryName(script));
        var agent = await h.Runtime.StartAgentAsync(script, whoami);
        await agent.ExpectExitAsync();

        var escape = ProcessAgents.Python("escape");
        (escape.User, escape.Group, escape.Interpreter, escape.StopTimeout, escape.WorkingDirectory) = (uid.ToString(System.Globalization.CultureInfo.InvariantCulture), group, python, TimeSpan.FromMilliseconds(300), Path.GetDirectoryName(script));
        var escaping = await h.Runtime.StartAgentAsync(script, escape);
        int escapee = int.Parse((await escaping.WaitForLineAsync("ESCAPEE "))["ESCAPEE ".Length..], System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            await h.Runtime.StopAgentAsync(escaping.AgentId).WaitAsync(TimeSpan.FromSeconds(30));

            Assert.Multiple(() =>
            {
                Assert.That(agent.Lines(), Does.Contain($"IDS {uid} {uid} {expectedGid} {expectedGid}"));
                Assert.That(agent.Lines(), Does.Contain("HOME /nonexistent"));
                Assert.That(agent.Lines(), Does.Contain("REPLY " + Fakes.FakeProvider.DefaultReplyText), "its calls reach the proxy");
            });
            await Eventually.UntilAsync(() => !UnixProcesses.Exists(escapee), TimeSpan.FromSeconds(10), $"the other user's escaped daemon {escapee} to be killed and reaped");
        }
        finally
        {
            UnixProcesses.KillIfAlive(escapee);
        }
    }

    [Test]
    public async Task User_Unknown_IsRefusedBeforeAnythingStarts()
    {
        await using var h = await RuntimeHarness.StartAsync();
        var options = ProcessAgents.Python("whoami");
        options.User = "no-such-user-" + Guid.NewGuid().ToString("N")[..8];

        Assert.That(() => h.Runtime.StartAgentAsync(ProcessAgents.PythonAgent, options), Throws.ArgumentException.With.Message.Contains(options.User));
        Assert.That(h.Runtime.ListAgents(), Is.Empty);
    }

    /// <summary>The <c>dotnet</c> program running these tests.</summary>
    private static string DotnetHost => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path ? path : "dotnet";
}
