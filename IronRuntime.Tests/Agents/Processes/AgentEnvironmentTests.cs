using IronRuntime.Agents.Processes;

namespace IronRuntime.Tests.Agents.Processes;

public sealed class AgentEnvironmentTests
{
    private const string OpenAIKey = "sk-real-openai-0123456789";
    private const string AnthropicKey = "sk-ant-real-0123456789";
    private static readonly Uri OpenAIUrl = new("http://127.0.0.1:4242/v1");
    private static readonly Uri AnthropicUrl = new("http://127.0.0.1:4242/");

    [Test]
    public void Apply_RemovesEveryVariableCarryingARealKey_AndTheSdkCredentials()
    {
        var environment = new Dictionary<string, string?>
        {
            ["OPENAI_API_KEY"] = OpenAIKey,
            ["ANTHROPIC_API_KEY"] = "something-else",
            ["ANTHROPIC_AUTH_TOKEN"] = "a-host-token",
            ["MY_COPY"] = OpenAIKey,
            ["HEADER"] = "Authorization: Bearer " + AnthropicKey,
            ["PATH"] = "/usr/bin",
        };

        Apply(environment, new Dictionary<string, string?>());

        Assert.Multiple(() =>
        {
            Assert.That(environment.Keys, Does.Not.Contain("MY_COPY").And.Not.Contain("HEADER").And.Not.Contain("ANTHROPIC_AUTH_TOKEN"));
            Assert.That(environment["PATH"], Is.EqualTo("/usr/bin"));
            Assert.That(environment["OPENAI_API_KEY"], Is.EqualTo("token"));
            Assert.That(environment["ANTHROPIC_API_KEY"], Is.EqualTo("token"));
            Assert.That(environment["OPENAI_BASE_URL"], Is.EqualTo("http://127.0.0.1:4242/v1"));
            Assert.That(environment["OPENAI_API_BASE"], Is.EqualTo("http://127.0.0.1:4242/v1"));
            Assert.That(environment["ANTHROPIC_BASE_URL"], Is.EqualTo("http://127.0.0.1:4242"));
            Assert.That(environment[AgentEnvironment.AgentIdVariable], Is.EqualTo("agent-7"));
            Assert.That(environment["PYTHONUNBUFFERED"], Is.EqualTo("1"));
        });
    }

    [Test]
    public void Apply_ExtrasSetAndRemoveVariables_ButTheRuntimesOwnAlwaysWin()
    {
        var environment = new Dictionary<string, string?> { ["DROP_ME"] = "x", ["KEEP"] = "k" };
        var extra = new Dictionary<string, string?>
        {
            ["DROP_ME"] = null,
            ["ADDED"] = "a",
            ["OPENAI_BASE_URL"] = "https://api.openai.com/v1",
            ["PYTHONUNBUFFERED"] = null,
        };

        Apply(environment, extra);

        Assert.Multiple(() =>
        {
            Assert.That(environment.Keys, Does.Not.Contain("DROP_ME").And.Not.Contain("PYTHONUNBUFFERED"));
            Assert.That(environment["ADDED"], Is.EqualTo("a"));
            Assert.That(environment["KEEP"], Is.EqualTo("k"));
            Assert.That(environment["OPENAI_BASE_URL"], Is.EqualTo("http://127.0.0.1:4242/v1"));
        });
    }

    [Test]
    public void EnsureNoSecrets_ExtraValueContainsARealKey_ThrowsNamingTheVariableNotTheKey()
    {
        var extra = new Dictionary<string, string?> { ["FINE"] = "x", ["LEAKY"] = "key=" + OpenAIKey };

        Assert.That(() => AgentEnvironment.EnsureNoSecrets(extra, [OpenAIKey, AnthropicKey]),
            Throws.ArgumentException.With.Message.Contains("LEAKY").And.Message.Not.Contains(OpenAIKey));
        Assert.That(() => AgentEnvironment.EnsureNoSecrets(new Dictionary<string, string?> { ["FINE"] = "x", ["NULL"] = null }, [OpenAIKey]), Throws.Nothing);
    }

    private static void Apply(Dictionary<string, string?> environment, Dictionary<string, string?> extra)
        => AgentEnvironment.Apply(environment, [OpenAIKey, AnthropicKey], extra, OpenAIUrl, AnthropicUrl, "token", "agent-7");
}
