using IronRuntime.Configuration;

namespace IronRuntime.Tests.Configuration;

/// <summary>README: the real keys default to <c>OPENAI_API_KEY</c> / <c>ANTHROPIC_API_KEY</c> from the environment (passed explicitly here, never set process-wide).</summary>
public sealed class RuntimeConfigEnvironmentDefaultsTests
{
    [Test]
    public void PostConfigure_KeysUnset_TakenFromTheEnvironment()
    {
        var env = new Dictionary<string, string?> { ["OPENAI_API_KEY"] = "sk-from-env", ["ANTHROPIC_API_KEY"] = "sk-ant-from-env" };
        var config = new RuntimeConfig();

        new RuntimeConfigEnvironmentDefaults(n => env.GetValueOrDefault(n)).PostConfigure(null, config);

        Assert.That(config.Router.OpenAI.ApiKey, Is.EqualTo("sk-from-env"));
        Assert.That(config.Router.Anthropic.ApiKey, Is.EqualTo("sk-ant-from-env"));
    }

    [Test]
    public void PostConfigure_KeysConfigured_EnvironmentDoesNotOverride()
    {
        var env = new Dictionary<string, string?> { ["OPENAI_API_KEY"] = "sk-from-env", ["ANTHROPIC_API_KEY"] = "sk-ant-from-env" };
        var config = new RuntimeConfig();
        config.Router.OpenAI.ApiKey = "sk-configured";
        config.Router.Anthropic.ApiKey = "sk-ant-configured";

        new RuntimeConfigEnvironmentDefaults(n => env.GetValueOrDefault(n)).PostConfigure(null, config);

        Assert.That(config.Router.OpenAI.ApiKey, Is.EqualTo("sk-configured"));
        Assert.That(config.Router.Anthropic.ApiKey, Is.EqualTo("sk-ant-configured"));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("   ")]
    public void PostConfigure_EnvironmentEmpty_KeysStayUnset(string? value)
    {
        var config = new RuntimeConfig();

        new RuntimeConfigEnvironmentDefaults(_ => value).PostConfigure(null, config);

        Assert.That(config.Router.OpenAI.ApiKey, Is.Null);
        Assert.That(config.Router.Anthropic.ApiKey, Is.Null);
    }
}
