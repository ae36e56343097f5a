using System.Net;
using System.Runtime.Versioning;
using IronRuntime.Tests.Fakes;
using IronRuntime.Tests.Proxy;
using IronRuntime.Tests.Support;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace IronRuntime.Tests.Agents;

/// <summary>The real provider keys never reach an agent's environment, a proxy response or a log record.</summary>
[Platform("Linux")]
[SupportedOSPlatform("linux")]
public sealed class ProcessAgentKeyIsolationTests
{
    private static readonly string[] RealKeys = [FakeProvider.OpenAIKey, FakeProvider.AnthropicKey];

    [Test]
    public async Task RealKeys_NeverInAgentEnvironmentProxyResponsesOrLogs()
    {
        // A host variable that copies a real key is removed too: AgentEnvironmentTests checks that with an explicit
        // environment, so this test never sets a process-wide variable while other tests start processes in parallel.
        {
            var logs = new FakeLogCollector();
            await using var h = await RuntimeHarness.StartAsync(b => b
                .WithBudget(1m)
                .Configure(c => c.Verbose = true)
                .ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(logs))));
            var options = ProcessAgents.Python("env");
            options.AgentId = "curious";
            options.OutputLinesKept = 5000;

            var agent = await h.Runtime.StartAgentAsync(ProcessAgents.PythonAgent, options);
            await agent.ExpectExitAsync();
            var env = agent.Lines().Where(l => l.StartsWith("ENV ", StringComparison.Ordinal))
                .Select(l => l[4..].Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
            var responses = await ProxyResponsesAsync(h);

            var proxy = h.Runtime.Proxy;
            Assert.Multiple(() =>
            {
                Assert.That(env.Values, Has.None.Contains(FakeProvider.OpenAIKey).And.None.Contains(FakeProvider.AnthropicKey));
                Assert.That(env["OPENAI_API_KEY"], Does.StartWith("sk-iron-").And.Length.GreaterThanOrEqualTo(8 + 43), "256 random bits");
                Assert.That(env["ANTHROPIC_API_KEY"], Is.EqualTo(env["OPENAI_API_KEY"]));
                Assert.That(env["OPENAI_BASE_URL"], Is.EqualTo(proxy.OpenAIBaseUrl.AbsoluteUri));
                Assert.That(env["ANTHROPIC_BASE_URL"], Is.EqualTo(proxy.AnthropicBaseUrl.AbsoluteUri.TrimEnd('/')));
                Assert.That(env["IRON_AGENT_ID"], Is.EqualTo("curious"));

                Assert.That(responses, Has.Count.EqualTo(4));
                Assert.That(responses, Has.None.Contains(FakeProvider.OpenAIKey).And.None.Contains(FakeProvider.AnthropicKey));

                var records = logs.GetSnapshot();
                Assert.That(records.Select(r => r.Message), Has.Some.Contains("ENV IRON_AGENT_ID=curious"), "agent output is logged");
                Assert.That(records.Select(r => r.Category), Has.Some.EqualTo("IronRuntime.Router").And.Some.EqualTo("IronRuntime.Proxy"), "the router and the proxy log");
                foreach (var record in records)
                {
                    string text = record.Message + " " + string.Join(" ", record.StructuredState?.Select(s => s.Value) ?? []) + " " + record.Exception;
                    Assert.That(RealKeys.Where(k => text.Contains(k, StringComparison.Ordinal)), Is.Empty, $"log record {record.Category}: {record.Message}");
                }
            });
        }
    }

    /// <summary>Every kind of answer the proxy gives: success, stream, runtime error, provider error — headers and bodies as text.</summary>
    private static async Task<List<string>> ProxyResponsesAsync(RuntimeHarness h)
    {
        using var http = ProxyClient.Create(h.Runtime.Proxy);
        string token = h.Runtime.Proxy.IssueToken("caller");
        var requests = new[]
        {
            ProxyClient.Post("/v1/chat/completions", ProxyClient.ChatBody, token),
            ProxyClient.Post("/v1/chat/completions", ProxyClient.StreamBody, token),
            ProxyClient.PostMessages("sk-iron-unknown"),
            ProxyClient.PostMessages(token),
        };
        h.Fake.FailNext(1, 401); // the last call: the provider itself refuses
        var texts = new List<string>();
        foreach (var request in requests)
        {
            if (request.RequestUri!.OriginalString == "/v1/messages" && request.Headers.Contains("x-api-key") && request.Headers.GetValues("x-api-key").Single() == token)
            {
                Assert.That(h.Fake.ArrivedCount, Is.EqualTo(2), "the forced failure is for the last call");
            }

            using (request)
            using (var response = await http.SendAsync(request))
            {
                texts.Add(response.Headers + "\n" + response.Content.Headers + "\n" + await response.Content.ReadAsStringAsync());
                Assert.That(response.StatusCode, Is.AnyOf(HttpStatusCode.OK, HttpStatusCode.Unauthorized));
            }
        }

        return texts;
    }
}
