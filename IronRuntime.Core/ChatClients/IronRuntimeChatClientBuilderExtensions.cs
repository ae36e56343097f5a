using IronRuntime;
using IronRuntime.ChatClients;
using IronRuntime.ChatClients.Internal;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.AI;

/// <summary>Adds IronRuntime's governance to an <see cref="IChatClient"/> pipeline.</summary>
public static class IronRuntimeChatClientBuilderExtensions
{
    /// <summary>
    /// Governs the inner client — any <see cref="IChatClient"/>: Ollama, Azure AI Inference, Gemini, a local model —
    /// with the runtime's budgets, prices, PII policy and per-provider circuit breakers. Each call reserves its worst case
    /// (a token bound of the messages and tools at the input rate, plus <see cref="ChatOptions.MaxOutputTokens"/> or the
    /// default limit at the output rate) before it is sent and settles at the reported <see cref="UsageDetails"/>; the
    /// price is looked up by <see cref="ChatClientMetadata.ProviderName"/> and <see cref="ChatOptions.ModelId"/> (or
    /// <see cref="ChatClientMetadata.DefaultModelId"/>). Refusals throw <see cref="BudgetExceededException"/>,
    /// <see cref="ProviderUnavailableException"/>, <see cref="ContentBlockedException"/> or
    /// <see cref="IronRuntimeCallRefusedException"/>.
    /// </summary>
    /// <remarks>
    /// Add it after middleware that makes several calls per request (<c>UseFunctionInvocation()</c>), nearer the
    /// provider, so each call to the provider is reserved and settled on its own. A client from <c>AgentContext.GetChatClient</c> is already governed
    /// on the wire: its calls pass through this middleware uncharged.
    /// </remarks>
    /// <param name="builder">The chat client builder.</param>
    /// <param name="runtime">The runtime whose ledger and policies apply; null resolves it from the services the pipeline is built with.</param>
    /// <param name="configure">Sets the agent the calls are charged to, the provider name, the default output limit.</param>
    /// <returns>The builder.</returns>
    public static ChatClientBuilder UseIronRuntime(this ChatClientBuilder builder, AgentRuntime? runtime = null, Action<IronRuntimeChatClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new IronRuntimeChatClientOptions();
        configure?.Invoke(options);
        return builder.Use((inner, services) =>
        {
            var governor = (runtime?.Services ?? services).GetService<ChatGovernor>()
                ?? throw new InvalidOperationException("UseIronRuntime needs an AgentRuntime: pass one, or build the chat client with the services of a container where AddIronRuntime() was called.");
            return new IronRuntimeChatClient(inner, governor, options);
        });
    }
}
