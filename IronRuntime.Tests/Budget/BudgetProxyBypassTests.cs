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
}
