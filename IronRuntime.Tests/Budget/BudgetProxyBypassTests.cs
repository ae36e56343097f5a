using System.Net;
using System.Text;
using System.Text.Json;
using IronRuntime.Router;
using IronRuntime.Tests.Fakes;
using IronRuntime.Tests.Proxy;
using IronRuntime.Tests.Support;

namespace IronRuntime.Tests.Budget;

/// <summary>Budget bypasses of issue #8 tried over raw HTTP through the loopback proxy, as a child-process agent would.</summary>
public sealed class BudgetProxyBypassTests
{
    private const decimal MiniInput = 0.15m / 1_000_000m;

    private RuntimeHarness _h = null!;
    private CallRecorder _calls = null!;
    private HttpClient _http = null!;
    private string _token = null!;

    [SetUp]
    public async Task SetUp()
    {
        _h = await RuntimeHarness.StartAsync(b =>
        {
            b.WithBudget(10m);
            _calls = CallRecorder.AddTo(b);
        });
        await _h.Runtime.Proxy.StartAsync();
        _http = ProxyClient.Create(_h.Runtime.Proxy);
        _token = _h.Runtime.Proxy.IssueToken("agent");
    }

    [TearDown]
    public async Task TearDown()
    {
        _http.Dispose();
        await _h.DisposeAsync();
    }

    [TestCase("/v1/chat/completions", """{"model":"gpt-4o-mini","max_tokens":10,"messages":[{"role":"user","content":"hi"}],"max_tokens":2000}""", "max_tokens")]
    [TestCase("/v1/responses", """{"model":"gpt-4o-mini","input":"hi","max_output_tokens":10,"max_output_tokens":5000}""", "max_output_tokens")]
    [TestCase("/v1/chat/completions", """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"n":1,"n":8}""", "n")]
    [TestCase("/v1/messages", """{"model":"claude-sonnet-4-5","max_tokens":10,"messages":[{"role":"user","content":"hi"}],"max_tokens":2000}""", "max_tokens")]
    public async Task DuplicatedMember_ThroughTheProxy_Is400NamingIt_AndNothingIsSent(string path, string body, string member)
    {
        using var request = path == "/v1/messages" ? ProxyClient.PostMessages(_token, body) : ProxyClient.Post(path, body, _token);
        using var response = await _http.SendAsync(request);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = doc.RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(root.GetProperty("error").GetProperty("message").GetString(), Does.Contain($"'{member}' twice"));
            if (path == "/v1/messages")
            {
                Assert.That(root.GetProperty("type").GetString(), Is.EqualTo("error"));
            }
            else
            {
                Assert.That(root.GetProperty("error").GetProperty("param").GetString(), Is.EqualTo(member));
            }

            Assert.That(_h.Fake.ArrivedCount, Is.Zero);
            Assert.That(_h.Runtime.GetBudget().Spent, Is.Zero);
        });
    }

    [Test]
    public async Task AbortedOpenAIStream_IsChargedThePromptAndTheOutputSeen_MarkedEstimated()
    {
        // About 2,000 prompt tokens: 200 × "The quick brown fox jumps over the lazy dog." (10 tokens each in o200k_base).
        string text = string.Join(' ', Enumerable.Repeat("The quick brown fox jumps over the lazy dog.", 200));
        string body = $$"""{"model":"gpt-4o-mini","max_tokens":200,"stream":true,"messages":[{"role":"user","content":"{{text}}"}]}""";
        _h.Fake.EventDelay = TimeSpan.FromMilliseconds(100);
        _h.Fake.ReplyText = string.Join(' ', Enumerable.Repeat("word", 100));

        var response = await _http.SendAsync(ProxyClient.Post("/v1/chat/completions", body, _token), HttpCompletionOption.ResponseHeadersRead);
        var stream = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[16 * 1024];
        int received = 0;
        while (Encoding.UTF8.GetString(buffer, 0, received).Split("\n\n").Length < 3)
        {
            received += await stream.ReadAsync(buffer.AsMemory(received));
        }

        response.Dispose(); // the agent goes away after two events

        await Eventually.UntilAsync(() => _calls.Calls.Any(c => c.CallerId == "agent"), TimeSpan.FromSeconds(30), "the call to complete");
        var call = _calls.Calls.Single(c => c.CallerId == "agent");
        var metrics = _h.Runtime.GetMetrics("agent");
        Assert.Multiple(() =>
        {
            Assert.That(call.UsageReported, Is.False);
            Assert.That(call.UsageEstimated, Is.True);
            Assert.That(call.Usage.InputTokens, Is.InRange(2000, 2300), "the prompt, counted");
            Assert.That(call.Usage.OutputTokens, Is.InRange(1, 99), "what was forwarded");
            Assert.That(_h.Runtime.GetBudget("agent").Spent, Is.GreaterThanOrEqualTo(2000 * MiniInput));
            Assert.That(_h.Runtime.GetBudget("agent").Reserved, Is.Zero);
            Assert.That(metrics.EstimatedCharges, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task AnswerCutAfterItsHeaders_IsChargedThePrompt_MarkedEstimated()
    {
        _h.Fake.Garbage = FakeGarbage.MalformedStream; // a non-streamed answer: 200, then its JSON cut in half
        string body = """{"model":"gpt-4o-mini","max_tokens":20,"messages":[{"role":"user","content":"The quick brown fox jumps over the lazy dog."}]}""";

        using var response = await _http.SendAsync(ProxyClient.Post("/v1/chat/completions", body, _token));

        await Eventually.UntilAsync(() => _calls.Calls.Any(c => c.CallerId == "agent"), TimeSpan.FromSeconds(30), "the call to complete");
        var call = _calls.Calls.Single(c => c.CallerId == "agent");
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadGateway));
            Assert.That(call.UsageEstimated, Is.True);
            // 10 tokens of text + 1 for the role + 3 per message + 3 priming (cookbook), plus the counter's margin.
            Assert.That(call.Usage.InputTokens, Is.InRange(17, 17 + 8));
            Assert.That(_h.Runtime.GetBudget("agent").Spent, Is.GreaterThan(0m));
        });
    }

    // "The quick brown fox jumps over the lazy dog." is 10 tokens in o200k_base (with a leading space too: " The").
    private const string Sentence = " The quick brown fox jumps over the lazy dog.";
    private const decimal MiniOutput = 0.6m / 1_000_000m;

    [Test]
    public async Task AbortedOpenAIStream_OutputIsTheTokensOfTheForwardedText_NotTheEventCount()
    {
        // The fake streams one word per event. A word of twelve digits is 4 tokens in o200k_base (digits go in groups
        // of at most three, and a space before them is a token of its own): the first event 4, every later one 5.
        _h.Fake.EventDelay = TimeSpan.FromMilliseconds(20);
        _h.Fake.ReplyText = string.Join(' ', Enumerable.Repeat("123456789012", 40));
        string body = """{"model":"gpt-4o-mini","max_tokens":1000,"stream":true,"messages":[{"role":"user","content":"Count."}]}""";
        _h.Fake.AbortAfterEvents = 6; // the role chunk and five content events, then the provider cuts the stream

        using var response = await _http.SendAsync(ProxyClient.Post("/v1/chat/completions", body, _token), HttpCompletionOption.ResponseHeadersRead);
        string received = await ReadUntilCutAsync(response);

        await Eventually.UntilAsync(() => _calls.Calls.Any(c => c.CallerId == "agent"), TimeSpan.FromSeconds(30), "the call to complete");
        var call = _calls.Calls.Single(c => c.CallerId == "agent");
        int forwarded = received.Split("123456789012").Length - 1;
        Assert.Multiple(() =>
        {
            Assert.That(call.UsageEstimated, Is.True);
            Assert.That(forwarded, Is.EqualTo(5), "five words reached the agent");
            Assert.That(call.Usage.OutputTokens, Is.EqualTo(4 + (4 * 5)), "the tokens of the five words forwarded, not 5 events");
            Assert.That(_h.Runtime.GetBudget("agent").Spent, Is.EqualTo((call.Usage.InputTokens * MiniInput) + (24 * MiniOutput)));
        });
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task NonStreamedAnswerCutMidBody_IsChargedThePromptAndTheTextThatArrived_MarkedEstimated(bool resilience)
    {
        await using var h = await RuntimeHarness.StartAsync(b =>
        {
            b.WithBudget(10m).Configure(c =>
            {
                c.Resilience.Enabled = resilience;
                c.Resilience.MaxRetryAttempts = 0;
            });
            _calls = CallRecorder.AddTo(b);
        });
        await h.Runtime.Proxy.StartAsync();
        using var http = ProxyClient.Create(h.Runtime.Proxy);
        string token = h.Runtime.Proxy.IssueToken("cut");
        h.Fake.Garbage = FakeGarbage.CutBody;
        h.Fake.ReplyText = string.Concat(Enumerable.Repeat(Sentence, 60)).TrimStart(); // 600 tokens, 2,699 bytes
        string body = """{"model":"gpt-4o-mini","max_tokens":2000,"messages":[{"role":"user","content":"The quick brown fox jumps over the lazy dog."}]}""";

        using var response = await http.SendAsync(ProxyClient.Post("/v1/chat/completions", body, token));

        await Eventually.UntilAsync(() => _calls.Calls.Any(c => c.CallerId == "cut"), TimeSpan.FromSeconds(30), "the call to complete");
        var call = _calls.Calls.Single(c => c.CallerId == "cut");
        var metrics = h.Runtime.GetMetrics("cut");
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadGateway));
            Assert.That(call.UsageEstimated, Is.True);
            Assert.That(call.Usage.InputTokens, Is.InRange(17, 17 + 8), "the prompt, counted (cookbook formula + margin)");
            // Half of a ~3 KB body arrived: some 1,300 bytes of the reply, i.e. about 30 of its 60 sentences (10
            // tokens each). Counted as tokens, not bytes (bytes would be > 1,000), and never nothing.
            Assert.That(call.Usage.OutputTokens, Is.InRange(200, 400));
            Assert.That(metrics.EstimatedCharges, Is.EqualTo(1));
            Assert.That(h.Runtime.GetBudget("cut").Spent, Is.EqualTo((call.Usage.InputTokens * MiniInput) + (call.Usage.OutputTokens * MiniOutput)));
            Assert.That(h.Runtime.GetBudget("cut").Reserved, Is.Zero);
        });
    }

    // o4-mini: $1.10 / $4.40 per 1M; gpt-5-mini: $0.25 / $2.00 per 1M (shipped table). Reasoning is billed as output.
    [TestCase("/v1/chat/completions", """{"model":"o4-mini","max_completion_tokens":1000,"stream":true,"messages":[{"role":"user","content":"Why two tides?"}]}""", 1.10, 4.40, true)]
    [TestCase("/v1/chat/completions", """{"model":"o4-mini","max_completion_tokens":1000,"stream":true,"messages":[{"role":"user","content":"Why two tides?"}]}""", 1.10, 4.40, false)]
    [TestCase("/v1/responses", """{"model":"gpt-5-mini","max_output_tokens":1000,"stream":true,"input":"Why two tides?"}""", 0.25, 2.00, true)]
    [TestCase("/v1/responses", """{"model":"gpt-5-mini","max_output_tokens":1000,"stream":true,"input":"Why two tides?"}""", 0.25, 2.00, false)]
    public async Task ReasoningModelStreamCutBeforeItsUsage_IsChargedTheWholeOutputLimit_MarkedEstimated(string path, string body, double inputPerMillion, double outputPerMillion, bool agentLeaves)
    {
        // The model may have reasoned up to its limit before the first visible token, and that reasoning is billed:
        // the estimate charges the 1,000 output tokens the request allows (what was reserved), not the few forwarded.
        _h.Fake.ReplyText = string.Join(' ', Enumerable.Repeat("tide", 50));
        _h.Fake.EventDelay = TimeSpan.FromMilliseconds(agentLeaves ? 100 : 5);
        if (!agentLeaves)
        {
            _h.Fake.AbortAfterEvents = 4; // the provider cuts the stream
        }

        var response = await _http.SendAsync(ProxyClient.Post(path, body, _token), HttpCompletionOption.ResponseHeadersRead);
        if (agentLeaves)
        {
            var stream = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[16 * 1024];
            int received = 0;
            while (Encoding.UTF8.GetString(buffer, 0, received).Split("\n\n").Length < 4)
            {
                received += await stream.ReadAsync(buffer.AsMemory(received));
            }
        }
        else
        {
            _ = await ReadUntilCutAsync(response);
        }

        response.Dispose();
        await Eventually.UntilAsync(() => _calls.Calls.Any(c => c.CallerId == "agent"), TimeSpan.FromSeconds(30), "the call to complete");
        var call = _calls.Calls.Single(c => c.CallerId == "agent");
        decimal input = (decimal)inputPerMillion / 1_000_000m, output = (decimal)outputPerMillion / 1_000_000m;
        Assert.Multiple(() =>
        {
            Assert.That(call.UsageReported, Is.False);
            Assert.That(call.UsageEstimated, Is.True);
            Assert.That(call.Usage.OutputTokens, Is.EqualTo(1000), "the output limit: hidden reasoning included");
            Assert.That(call.Usage.ReasoningTokens, Is.InRange(950, 1000), "all but the few tokens forwarded");
            Assert.That(_h.Runtime.GetBudget("agent").Spent, Is.EqualTo((call.Usage.InputTokens * input) + (1000 * output)));
            Assert.That(_h.Runtime.GetBudget("agent").Reserved, Is.Zero);
        });
    }

    private static async Task<string> ReadUntilCutAsync(HttpResponseMessage response)
    {
        using var read = new MemoryStream();
        try
        {
            await (await response.Content.ReadAsStreamAsync()).CopyToAsync(read);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            // the cut reaches the agent as an error
        }

        return Encoding.UTF8.GetString(read.ToArray());
    }
}
