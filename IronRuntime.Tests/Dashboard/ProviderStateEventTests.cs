using System.Net;
using System.Text.Json;
using IronRuntime.Dashboard;
using IronRuntime.Pricing;
using IronRuntime.Resilience;
using IronRuntime.Tests.Resilience;
using IronRuntime.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace IronRuntime.Tests.Dashboard;

/// <summary>README: the dashboard's event stream carries <c>provider.state</c> when a provider's breaker changes state.</summary>
public sealed class ProviderStateEventTests
{
    [Test]
    public async Task BreakerOpens_DashboardStreamPublishesProviderStateOpen()
    {
        await using var h = await RuntimeHarness.StartAsync(b => b.UseTime(new FakeTimeProvider()).ConfigureResilience(ResilienceTestSupport.Sensitive));
        var stream = new RuntimeEventStream(PricingTable.Create(), TimeProvider.System);
        stream.Attach(h.Runtime); // what MapIronRuntimeDashboard does
        using var subscription = stream.Subscribe();
        using var http = h.Runtime.CreateHttpClient("a1");

        h.Fake.FailNext(2, 500);
        for (int i = 0; i < 2; i++)
        {
            using var failed = await http.PostAsync(ResilienceTestSupport.ChatUrl, ResilienceTestSupport.Chat());
            Assert.That(failed.StatusCode, Is.EqualTo(HttpStatusCode.InternalServerError));
        }

        var states = new List<(string Endpoint, string Provider, string Previous, string State)>();
        while (subscription.Reader.TryRead(out byte[]? message))
        {
            using var doc = JsonDocument.Parse(message);
            var e = doc.RootElement;
            if (e.GetProperty("type").GetString() == "provider.state")
            {
                states.Add((e.GetProperty("endpoint").GetString()!, e.GetProperty("provider").GetString()!, e.GetProperty("previousState").GetString()!, e.GetProperty("state").GetString()!));
            }
        }

        Assert.That(states, Is.EqualTo(new[] { ("openai", "openai", "Closed", "Open") }));
    }
}
