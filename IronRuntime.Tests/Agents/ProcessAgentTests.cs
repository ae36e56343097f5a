using System.Net;
using System.Runtime.Versioning;
using System.Text.Json;
using IronRuntime.Agents;
using IronRuntime.Router;
using IronRuntime.Tests.Fakes;
using IronRuntime.Tests.Proxy;
using IronRuntime.Tests.Support;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Logging;

namespace IronRuntime.Tests.Agents;

/// <summary>Process agents: starting by file type, monitoring, output, exit and failures to start.</summary>
[Platform("Linux")]
[SupportedOSPlatform("linux")]
public sealed class ProcessAgentTests
{
    [Test]
    public async Task StartAgentAsync_PythonAgent_CallsGoThroughProxyAttributedToIt()
    {
        await using var h = await RuntimeHarness.StartAsync();
        h.Fake.Usage = new TokenUsage(10, 5);
        var statuses = new List<AgentStatus>();
        h.Runtime.AgentStatusChanged += (_, e) => { lock (statuses) { statuses.Add(e.Status); } };
        var options = ProcessAgents.Python("chat", "3");
        options.AgentId = "py";

        var agent = await h.Runtime.StartAgentAsync(ProcessAgents.PythonAgent, options);
        Assert.That(agent.ProcessId, Is.GreaterThan(0));
        await agent.ExpectExitAsync();

        var metrics = h.Runtime.GetMetrics("py");
        Assert.Multiple(() =>
        {
            Assert.That(agent.Lines(), Is.EqualTo(Enumerable.Repeat("REPLY " + FakeProvider.DefaultReplyText, 3)));
            Assert.That((metrics.Requests, metrics.SucceededRequests, metrics.InputTokens, metrics.OutputTokens), Is.EqualTo((3L, 3L, 30L, 15L)));
            Assert.That(h.Fake.Requests.Select(r => r.Header("Authorization")), Is.All.EqualTo("Bearer " + FakeProvider.OpenAIKey));
            Assert.That(agent.EndedAt, Is.GreaterThanOrEqualTo(agent.StartedAt));
            Assert.That(statuses, Is.EqualTo(new[] { AgentStatus.Running, AgentStatus.Exited }));
            Assert.That(h.Runtime.ListAgents(), Is.EqualTo(new[] { agent }));
        });
    }

    [Test]
    public async Task StartAgentAsync_PythonAgentStreams_GetsWholeTextAndUsageIsMetered()
    {
        await using var h = await RuntimeHarness.StartAsync();
        h.Fake.WriteChunkSize = 7; // events cross reads on the way in; the proxy forwards whole events

        var agent = await h.Runtime.StartAgentAsync(ProcessAgents.PythonAgent, ProcessAgents.Python("stream"));
        await agent.ExpectExitAsync();

        using var result = JsonDocument.Parse((await agent.WaitForLineAsync("STREAM "))["STREAM ".Length..]);
        var metrics = h.Runtime.GetMetrics(agent.AgentId);
        Assert.Multiple(() =>
        {
            Assert.That(result.RootElement.GetProperty("text").GetString(), Is.EqualTo(FakeProvider.DefaultReplyText));
            Assert.That(metrics.SucceededRequests, Is.EqualTo(1));
            Assert.That(metrics.OutputTokens, Is.EqualTo(FakeProvider.DefaultReplyText.Split(' ').Length));
        });
    }

    [Test]
    public async Task PythonAgentAbandonsAStream_ProviderCallCancelledAndSettled_ItsNextCallServed()
    {
        CallRecorder calls = null!;
        await using var h = await RuntimeHarness.StartAsync(b => calls = CallRecorder.AddTo(b.WithBudget(1m)));
        h.Fake.EventDelay = TimeSpan.FromMilliseconds(300);
        h.Fake.ReplyText = string.Join(' ', Enumerable.Repeat("word", 100)); // 30 s if read to the end

        var agent = await h.Runtime.StartAgentAsync(ProcessAgents.PythonAgent, ProcessAgents.Python("abandon-stream"));
        await agent.WaitForLineAsync("FIRST");
        h.Fake.EventDelay = TimeSpan.Zero; // for the next call
        await agent.ExpectExitAsync();

        var streamed = calls.Calls.Single(c => c.IsStreaming);
        Assert.Multiple(() =>
        {
            Assert.That(agent.Lines(), Is.EqualTo(new[] { "FIRST", "CLOSED", "REPLY " + string.Join(' ', Enumerable.Repeat("word", 20)) }), "its next call (max_tokens 20) is served");
            Assert.That(streamed.Outcome, Is.EqualTo(LlmCallOutcome.Cancelled));
            Assert.That(streamed.Usage.OutputTokens, Is.LessThan(100), "settled for what was received");
            Assert.That(h.Fake.AbortedCount, Is.EqualTo(1));
            Assert.That(h.Runtime.GetBudget(agent.AgentId).Reserved, Is.Zero);
        });
    }

    [Test]
    public async Task StartAgentAsync_MjsFile_RunsWithNodeAndGetsProxyAndId()
    {
        await using var h = await RuntimeHarness.StartAsync();

        var agent = await h.Runtime.StartAgentAsync(ProcessAgents.NodeAgent("env_agent.mjs"), new ProcessAgentOptions { AgentId = "esm" });
        await agent.ExpectExitAsync();

        var proxy = h.Runtime.Proxy;
        Assert.That(agent.Lines(), Is.EqualTo(new[] { $"AGENT esm {proxy.OpenAIBaseUrl.AbsoluteUri} {proxy.AnthropicBaseUrl.AbsoluteUri.TrimEnd('/')}" }));
    }

    [Test]
    public async Task StartAgentAsync_ExecutableWithArguments_RunsInItsDirectoryAndReportsExitCode()
    {
        await using var h = await RuntimeHarness.StartAsync();
        string script = await WriteScriptAsync("#!/bin/sh\necho \"$IRON_AGENT_ID $1 $(pwd)\"\nexit 3\n", executable: true);
        var options = new ProcessAgentOptions { AgentId = "sh", Arguments = { "first" } };

        var agent = await h.Runtime.StartAgentAsync(script, options);
        await agent.ExpectExitAsync(3);

        Assert.That(agent.Lines(), Is.EqualTo(new[] { $"sh first {Path.GetDirectoryName(script)}" }));
    }

    [Test]
    public async Task StartAgentAsync_MissingFile_ThrowsFileNotFoundAndLeavesNothing()
    {
        await using var h = await RuntimeHarness.StartAsync(b => b.WithDefaultAgentBudget(1m));

        Assert.That(() => h.Runtime.StartAgentAsync("/no/such/agent.py", new ProcessAgentOptions { AgentId = "ghost" }),
            Throws.TypeOf<FileNotFoundException>().With.Message.Contains("/no/such/agent.py"));
        Assert.Multiple(() =>
        {
            Assert.That(h.Runtime.ListAgents(), Is.Empty);
            Assert.That(h.Runtime.GetBudget("ghost").Limit, Is.Null);
            Assert.That(h.Runtime.Proxy.IsRunning, Is.False, "nothing was started");
        });
    }

    [TestCase("no-such-interpreter-3f9a")]
    [TestCase("/opt/nowhere/python9")]
    public async Task StartAgentAsync_MissingInterpreter_ThrowsFileNotFoundAndLeavesNothing(string interpreter)
    {
        await using var h = await RuntimeHarness.StartAsync();
        var options = new ProcessAgentOptions { AgentId = "ghost", Interpreter = interpreter };

        Assert.That(() => h.Runtime.StartAgentAsync(ProcessAgents.PythonAgent, options),
            Throws.TypeOf<FileNotFoundException>().With.Message.Contains(interpreter).And.Message.Contains("interpreter"));
        Assert.That(h.Runtime.ListAgents(), Is.Empty);
    }

    [Test]
    public async Task StartAgentAsync_FileNotExecutableAndNoInterpreter_ThrowsArgumentException()
    {
        await using var h = await RuntimeHarness.StartAsync();
        string script = await WriteScriptAsync("#!/bin/sh\necho hi\n", executable: false);

        Assert.That(() => h.Runtime.StartAgentAsync(script), Throws.ArgumentException.With.Message.Contains("not executable"));
        Assert.That(h.Runtime.ListAgents(), Is.Empty);
    }

    [Test]
    public async Task StartAgentAsync_ExtraEnvironmentCarriesRealKey_IsRefused()
    {
        await using var h = await RuntimeHarness.StartAsync();
        var options = ProcessAgents.Python("env");
        options.Environment["MY_KEY"] = FakeProvider.AnthropicKey;

        Assert.That(() => h.Runtime.StartAgentAsync(ProcessAgents.PythonAgent, options),
            Throws.ArgumentException.With.Message.Contains("MY_KEY").And.Message.Not.Contains(FakeProvider.AnthropicKey));
        Assert.That(h.Runtime.ListAgents(), Is.Empty);
    }

    [TestCase("--key={0}")]
    [TestCase("{0}")]
    [TestCase("Authorization: Bearer {0}")]
    public async Task StartAgentAsync_ArgumentCarriesRealKey_IsRefused(string format)
    {
        await using var h = await RuntimeHarness.StartAsync();
        var options = ProcessAgents.Python("env", "--verbose", string.Format(System.Globalization.CultureInfo.InvariantCulture, format, FakeProvider.OpenAIKey));

        Assert.That(() => h.Runtime.StartAgentAsync(ProcessAgents.PythonAgent, options),
            Throws.ArgumentException.With.Message.Contains("argument at index 2").And.Message.Not.Contains(FakeProvider.OpenAIKey));
        Assert.That(h.Runtime.ListAgents(), Is.Empty);
        Assert.That(h.Runtime.Proxy.IsRunning, Is.False, "refused before anything started");
    }

    [Test]
    public async Task StartAgentAsync_DuplicateId_ThrowsAndStartsNoProcess()
    {
        await using var h = await RuntimeHarness.StartAsync();
        var first = await h.Runtime.StartAgentAsync(_ => Task.Delay(Timeout.Infinite, _.StoppingToken), new AgentOptions { AgentId = "same" });
        var options = ProcessAgents.Python("chat", "1");
        options.AgentId = "same";

        Assert.That(() => h.Runtime.StartAgentAsync(ProcessAgents.PythonAgent, options), Throws.ArgumentException);
        Assert.That(h.Runtime.ListAgents(), Is.EqualTo(new[] { first }));
        Assert.That(h.Fake.ArrivedCount, Is.Zero);
    }

    [Test]
    public async Task GetRecentOutput_LinesInOrder_LongLineInPieces_StderrMarked_ExitCodeKept()
    {
        await using var h = await RuntimeHarness.StartAsync();

        var agent = await h.Runtime.StartAgentAsync(ProcessAgents.PythonAgent, ProcessAgents.Python("lines", "50", "7"));
        await agent.ExpectExitAsync(7);

        var output = agent.GetRecentOutput();
        var stdout = output.Where(l => !l.IsError).Select(l => l.Text).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(stdout.Take(50), Is.EqualTo(Enumerable.Range(0, 50).Select(i => $"line {i}")));
            Assert.That(stdout.Skip(50).Select(l => l.Length), Is.EqualTo(new[] { 4096, 4096, 10_000 - 8192 }));
            Assert.That(output.Where(l => l.IsError).Select(l => l.Text), Is.EqualTo(new[] { "oops" }));
            Assert.That(output.Select(l => l.Timestamp), Is.Ordered);
        });
    }

    [Test]
    public async Task GetRecentOutput_MoreLinesThanKept_KeepsTheLatest()
    {
        await using var h = await RuntimeHarness.StartAsync();
        var options = ProcessAgents.Python("lines", "500");
        options.OutputLinesKept = 5;

        var agent = await h.Runtime.StartAgentAsync(ProcessAgents.PythonAgent, options);
        await agent.ExpectExitAsync();

        var stdout = agent.GetRecentOutput().Where(l => !l.IsError).Select(l => l.Text).ToList();
        Assert.That(agent.GetRecentOutput(), Has.Count.EqualTo(5));
        Assert.That(stdout.Last(), Has.Length.EqualTo(10_000 - 8192), "the last piece of the long line is among the latest lines");
    }

    [Test]
    public async Task AgentOutput_IsLoggedPerLineWithTheAgentId()
    {
        var logs = new FakeLogCollector();
        await using var h = await RuntimeHarness.StartAsync(b => b.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Debug).AddProvider(new FakeLoggerProvider(logs))));
        var options = ProcessAgents.Python("lines", "2");
        options.AgentId = "talker";

        var agent = await h.Runtime.StartAgentAsync(ProcessAgents.PythonAgent, options);
        await agent.ExpectExitAsync();

        var records = logs.GetSnapshot().Where(r => r.Category == "IronRuntime.Agent.talker" && r.Level == LogLevel.Debug).ToList();
        Assert.That(records.Select(r => r.GetStructuredStateValue("Line")), Is.SupersetOf(new[] { "line 0", "line 1", "oops" }));
        Assert.That(records.Select(r => r.GetStructuredStateValue("AgentId")), Is.All.EqualTo("talker"));
        Assert.That(records.Single(r => r.GetStructuredStateValue("Line") == "oops").GetStructuredStateValue("Stream"), Is.EqualTo("stderr"));
    }

    [Test]
    public async Task AgentExits_ItsTokenIsRevoked()
    {
        await using var h = await RuntimeHarness.StartAsync();
        var options = ProcessAgents.Python("env");
        options.OutputLinesKept = 5000;

        var agent = await h.Runtime.StartAgentAsync(ProcessAgents.PythonAgent, options);
        await agent.ExpectExitAsync();
        string token = (await agent.WaitForLineAsync("ENV OPENAI_API_KEY="))["ENV OPENAI_API_KEY=".Length..];

        using var http = ProxyClient.Create(h.Runtime.Proxy);
        using var response = await http.SendAsync(ProxyClient.Post("/v1/chat/completions", ProxyClient.ChatBody, token));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task InProcessAndProcessAgents_RunSideBySide_EachAttributedToItself()
    {
        await using var h = await RuntimeHarness.StartAsync();
        h.Fake.Usage = new TokenUsage(10, 5);
        var options = ProcessAgents.Python("chat", "2");
        options.AgentId = "outside";

        var process = await h.Runtime.StartAgentAsync(ProcessAgents.PythonAgent, options);
        var inside = await h.Runtime.StartAgentAsync(async ctx =>
        {
            using var r = await ctx.HttpClient.SendAsync(ProxyClient.Post("/v1/chat/completions", ProxyClient.ChatBody));
            r.EnsureSuccessStatusCode();
        }, new AgentOptions { AgentId = "inside" });
        await process.ExpectExitAsync();
        await inside.WaitForExitAsync();

        Assert.That(h.Runtime.GetMetrics("outside").InputTokens, Is.EqualTo(20));
        Assert.That(h.Runtime.GetMetrics("inside").InputTokens, Is.EqualTo(10));
        Assert.That(inside.ProcessId, Is.Null);
        Assert.That(inside.GetRecentOutput(), Is.Empty);
    }

    private static async Task<string> WriteScriptAsync(string content, bool executable)
    {
        string directory = Path.Combine(Path.GetTempPath(), "iron-agents-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, "agent.sh");
        await File.WriteAllTextAsync(path, content);
        File.SetUnixFileMode(path, executable ? UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute : UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return path;
    }
}
