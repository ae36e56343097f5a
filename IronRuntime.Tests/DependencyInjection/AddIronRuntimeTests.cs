using IronRuntime.Pricing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace IronRuntime.Tests.DependencyInjection;

public sealed class AddIronRuntimeTests
{
    [Test]
    public async Task AddIronRuntime_ResolvesRuntimeWithConfiguredBudget()
    {
        var services = new ServiceCollection();
        services.AddIronRuntime(b => b.WithBudget(3m).UseSimulatedProvider());
        await using var sp = services.BuildServiceProvider();

        var runtime = sp.GetRequiredService<AgentRuntime>();
        using var http = runtime.CreateHttpClient("a1");
        using var response = await http.PostAsync("https://api.openai.com/v1/chat/completions", new System.Net.Http.StringContent(
            """{"model":"gpt-4o-mini","max_tokens":20,"messages":[{"role":"user","content":"hi"}]}""", System.Text.Encoding.UTF8, "application/json"));

        Assert.Multiple(() =>
        {
            Assert.That(runtime.GetBudget().Limit, Is.EqualTo(3m));
            Assert.That(response.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.OK), "answered by the simulated provider: no key, no network");
            Assert.That(runtime.GetBudget().Spent, Is.GreaterThan(0m).And.LessThanOrEqualTo(3m), "and held to the configured budget");
        });
    }

    [Test]
    public void Build_ServiceFailsAfterTheStateFileOpened_ThrowsThatFailure_AndReleasesTheFile()
    {
        // The SQLite store (disposable only asynchronously) is built before IProviderHealth: a synchronous Dispose of
        // the container on the failure path threw its own InvalidOperationException and hid the cause.
        string directory = Directory.CreateTempSubdirectory("iron-build-").FullName;
        string database = Path.Combine(directory, "state.db");
        try
        {
            var builder = AgentRuntime.CreateBuilder().UseSimulatedProvider().UseSqliteState(database);
            builder.Services.AddSingleton<IronRuntime.Resilience.IProviderHealth>(_ => throw new InvalidOperationException("provider health is down"));

            var thrown = Assert.Throws<InvalidOperationException>(() => builder.Build());

            Assert.That(thrown!.Message, Is.EqualTo("provider health is down"), "the cause, not a failure to dispose the container");
            Assert.DoesNotThrow(() => File.Delete(database), "and the store was disposed, its connection closed");
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public async Task AddIronRuntime_BindsConfigurationSection()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["IronRuntime:Budget"] = "12.5",
            ["IronRuntime:Verbose"] = "true",
            ["IronRuntime:AlertThresholds:0"] = "0.25",
            ["IronRuntime:Router:OpenAI:BaseUrl"] = "http://127.0.0.1:9/v1",
        }).Build();
        var services = new ServiceCollection();
        services.AddIronRuntime(config.GetSection(RuntimeConfig.SectionName));
        await using var sp = services.BuildServiceProvider();

        var runtime = sp.GetRequiredService<AgentRuntime>();

        Assert.Multiple(() =>
        {
            Assert.That(runtime.Config.Budget, Is.EqualTo(12.5m));
            Assert.That(runtime.Config.Verbose, Is.True);
            Assert.That(runtime.Config.AlertThresholds, Is.EqualTo(new[] { 0.25m }));
            Assert.That(runtime.Config.Router.OpenAI.BaseUrl, Is.EqualTo(new Uri("http://127.0.0.1:9/v1")));
        });
    }

    [TestCase("IronRuntime:AlertThresholds:0", "1.5", "(0, 1]; 1.5 is not")]
    [TestCase("IronRuntime:Router:OpenAI:BaseUrl", "ftp://x/", "absolute http or https")]
    public void InvalidConfiguration_FailsAtResolveWithTheValueInTheMessage(string key, string value, string expected)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();
        var services = new ServiceCollection();
        services.AddIronRuntime(config.GetSection(RuntimeConfig.SectionName));
        using var sp = services.BuildServiceProvider();

        Assert.That(() => sp.GetRequiredService<AgentRuntime>(), Throws.TypeOf<OptionsValidationException>().With.Message.Contain(expected));
    }

    [Test]
    public async Task UserRegistration_ReplacesDefaultSubsystem()
    {
        var services = new ServiceCollection();
        var pricing = new FixedPricing();
        services.AddSingleton<IModelPricing>(pricing);
        services.AddIronRuntime(b => b.UseSimulatedProvider());
        await using var sp = services.BuildServiceProvider();

        var runtime = sp.GetRequiredService<AgentRuntime>();
        runtime.SetBudget("a1", 1m);
        using var http = runtime.CreateHttpClient("a1");
        using var response = await http.PostAsync("https://api.openai.com/v1/chat/completions", new System.Net.Http.StringContent(
            """{"model":"gpt-made-up","max_tokens":20,"messages":[{"role":"user","content":"hi"}]}""", System.Text.Encoding.UTF8, "application/json"));
        var m = runtime.GetMetrics("a1");

        Assert.Multiple(() =>
        {
            Assert.That(sp.GetRequiredService<IModelPricing>(), Is.SameAs(pricing));
            Assert.That(response.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.OK), "the user's pricing knows a model the shipped table does not");
            Assert.That(m.BudgetSpent, Is.EqualTo((m.InputTokens * 0.000001m) + (m.OutputTokens * 0.000002m)), "charged at the user's prices");
            Assert.That(m.OutputTokens, Is.GreaterThan(0));
        });
    }

    [Test]
    public async Task AddIronRuntime_BindsProxyOptions_AndRegistersTheHostedServiceOnce()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["IronRuntime:Router:Proxy:Port"] = "18080",
            ["IronRuntime:Router:Proxy:StartWithHost"] = "true",
        }).Build();
        var services = new ServiceCollection();
        services.AddIronRuntime(config.GetSection(RuntimeConfig.SectionName));
        services.AddIronRuntime();
        await using var sp = services.BuildServiceProvider();

        var runtime = sp.GetRequiredService<AgentRuntime>();

        Assert.Multiple(() =>
        {
            Assert.That(runtime.Config.Router.Proxy.Port, Is.EqualTo(18080));
            Assert.That(runtime.Config.Router.Proxy.StartWithHost, Is.True);
            Assert.That(runtime.Proxy, Is.SameAs(sp.GetRequiredService<Router.LlmProxy>()));
            Assert.That(sp.GetServices<IHostedService>().Count(), Is.EqualTo(1));
        });
    }

    [Test]
    public void Build_OnHostBuilder_Throws()
    {
        var builder = new ServiceCollection().AddIronRuntime();
        Assert.That(builder.Build, Throws.InvalidOperationException);
    }

    private sealed class FixedPricing : IModelPricing
    {
        public bool TryGetPrice(string model, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ModelPrice? price)
        {
            price = new ModelPrice { InputPerToken = 0.000001m, OutputPerToken = 0.000002m };
            return true;
        }
    }
}
