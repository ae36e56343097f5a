using System.Net;
using System.Net.WebSockets;
using IronRuntime.Agents;
using IronRuntime.Dashboard;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace IronRuntime.Tests.Dashboard;

/// <summary>The dashboard's access options: a predicate, a policy, further origins; and the loopback test itself.</summary>
public sealed partial class DashboardSecurityTests
{
    [Test]
    public async Task AuthorizePredicate_DecidesInsteadOfTheLocalOnlyDefault()
    {
        await StartAsync(app => app.MapIronRuntimeDashboard("/ironruntime", o => o.Authorize = c => c.Request.Headers["X-Team"] == "ops"));

        using var remoteOps = Request(HttpMethod.Get, "/ironruntime/agents", Remote);
        remoteOps.Headers.Add("X-Team", "ops");
        using var allowed = await _http!.SendAsync(remoteOps);

        Assert.Multiple(async () =>
        {
            Assert.That(allowed.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the predicate lets a remote request in");
            Assert.That(await SendAsync(HttpMethod.Get, "/ironruntime/agents"), Is.EqualTo(HttpStatusCode.Forbidden), "and keeps a local one out");
        });
    }

    [Test]
    public async Task AuthorizationPolicy_RemoteRequestsAreLeftToTheAuthorizationMiddleware()
    {
        await StartAsync(
            app =>
            {
                app.UseAuthorization();
                app.MapIronRuntimeDashboard("/ironruntime", o => o.AuthorizationPolicy = "dashboard");
                app.MapIronRuntimeDashboard("/grouped").RequireAuthorization("dashboard");
            },
            services => services.AddAuthorization(o => o.AddPolicy("dashboard", p => p.RequireAssertion(c => c.Resource is HttpContext h && h.Request.Headers["X-Team"] == "ops"))));

        Assert.Multiple(async () =>
        {
            foreach (string prefix in new[] { "/ironruntime", "/grouped" })
            {
                using var request = Request(HttpMethod.Get, prefix + "/agents", Remote);
                request.Headers.Add("X-Team", "ops");
                using var response = await _http!.SendAsync(request);
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), prefix);
            }
        });
    }

    [Test]
    public async Task AllowedOrigins_OpenTheEventStreamAndStopToThatSite()
    {
        const string site = "https://ops.example.com";
        await StartAsync(app => app.MapIronRuntimeDashboard("/ironruntime", o => o.AllowedOrigins.Add(site + "/")));
        var agent = await StartBusyAgentAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(await ConnectEventsAsync(site), Is.EqualTo(WebSocketState.Open));
            Assert.That(await ConnectEventsAsync("https://other.example.com"), Is.EqualTo(WebSocketState.Closed));
            Assert.That(await SendAsync(HttpMethod.Post, "/ironruntime/agents/busy/stop", origin: site, header: true), Is.EqualTo(HttpStatusCode.OK));
            Assert.That(agent.Status, Is.EqualTo(AgentStatus.Stopped));
        });
    }

    [TestCase("127.0.0.1", true)]
    [TestCase("127.8.9.10", true)]
    [TestCase("::1", true)]
    [TestCase("::ffff:127.0.0.1", true)]
    [TestCase("192.0.2.2", false)]
    [TestCase("::ffff:10.0.0.1", false)]
    [TestCase("fe80::1", false)]
    [TestCase(null, false)]
    public void IsLocal_OnlyLoopbackAddresses(string? remote, bool expected)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = remote is null ? null : IPAddress.Parse(remote);

        Assert.That(DashboardGuard.IsLocal(context), Is.EqualTo(expected));
    }
}
