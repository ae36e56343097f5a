using IronRuntime.Pii;
using IronRuntime.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace IronRuntime.ChatClients.Internal;

/// <summary>Registers what the chat-client middleware and the telemetry need.</summary>
internal static class ChatClientServices
{
    public static void Add(IServiceCollection services)
    {
        services.TryAddSingleton<GenAiInstruments>();
        services.TryAddSingleton<RuntimeGauges>();
        services.TryAddSingleton<ChatTelemetry>();
        services.TryAddSingleton(static sp => new ChatPii(sp.GetRequiredService<IPiiScanner>(), sp.GetRequiredService<IOptions<RuntimeConfig>>().Value.Pii));
        services.TryAddSingleton(static sp => new ChatBreakers(sp.GetRequiredService<IOptions<RuntimeConfig>>().Value.Resilience, sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<ChatGovernor>();
    }
}
