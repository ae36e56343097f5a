using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace IronRuntime.Tests.Resilience;

/// <summary><c>Resilience:ConnectTimeout</c> reaches the provider hop.</summary>
public sealed class ConnectTimeoutTests
{
    // A real connect timeout cannot be produced reliably on loopback (a connect to 127.0.0.1 is refused or accepted at
    // once, and a full backlog behaves differently across kernels), so this test checks that the configured value,
    // bound from configuration like a user's, is the ConnectTimeout of the SocketsHttpHandler that makes provider calls.
    [Test]
    public async Task ConnectTimeout_FromConfiguration_IsTheUpstreamHandlersConnectTimeout()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["IronRuntime:Resilience:ConnectTimeout"] = "00:00:03.5",
            ["IronRuntime:Router:OpenAI:ApiKey"] = "sk-test",
        }).Build();
        var services = new ServiceCollection();
        services.AddIronRuntime(config.GetSection(RuntimeConfig.SectionName));
        await using var sp = services.BuildServiceProvider();

        HttpMessageHandler? handler = sp.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler(IronRuntimeBuilder.UpstreamClientName);
        while (handler is DelegatingHandler delegating)
        {
            handler = delegating.InnerHandler;
        }

        Assert.That(handler, Is.TypeOf<SocketsHttpHandler>());
        Assert.That(((SocketsHttpHandler)handler!).ConnectTimeout, Is.EqualTo(TimeSpan.FromSeconds(3.5)));
    }

    [Test]
    public void ConnectTimeout_Default_IsTenSeconds()
        => Assert.That(new IronRuntime.Resilience.ResilienceOptions().ConnectTimeout, Is.EqualTo(TimeSpan.FromSeconds(10)));
}
