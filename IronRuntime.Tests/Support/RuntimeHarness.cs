using IronRuntime.Tests.Fakes;
using Microsoft.Extensions.Logging;

namespace IronRuntime.Tests.Support;

/// <summary>A runtime wired to a loopback <see cref="FakeProvider"/> with the fake's real keys.</summary>
public sealed class RuntimeHarness : IAsyncDisposable
{
    private RuntimeHarness(FakeProvider fake, AgentRuntime runtime)
    {
        Fake = fake;
        Runtime = runtime;
    }

    public FakeProvider Fake { get; }

    public AgentRuntime Runtime { get; }

    /// <summary>Where agents think OpenAI is: the runtime rewrites it to the fake.</summary>
    public static Uri OpenAIEndpoint { get; } = new("https://api.openai.com/v1");

    /// <summary>Where agents think Anthropic is.</summary>
    public const string AnthropicBaseUrl = "https://api.anthropic.com";

    public static async Task<RuntimeHarness> StartAsync(Action<IronRuntimeBuilder>? configure = null, FakeProvider? fake = null)
    {
        fake ??= await FakeProvider.StartAsync();
        var builder = AgentRuntime.CreateBuilder()
            .UseOpenAI(FakeProvider.OpenAIKey, fake.BaseUri)
            .UseAnthropic(FakeProvider.AnthropicKey, fake.BaseUri)
            .ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        configure?.Invoke(builder);
        return new RuntimeHarness(fake, builder.Build());
    }

    public async ValueTask DisposeAsync()
    {
        await Runtime.DisposeAsync();
        await Fake.DisposeAsync();
    }
}
