namespace IronRuntime.ChatClients;

/// <summary>Options of the <c>UseIronRuntime()</c> chat-client middleware.</summary>
public sealed class IronRuntimeChatClientOptions
{
    /// <summary>The agent the calls are charged to (its budget and the global one apply); null charges the global budget only.</summary>
    public string? AgentId { get; set; }

    /// <summary>
    /// The provider, overriding what the inner client's <c>ChatClientMetadata.ProviderName</c> says (used for pricing —
    /// the price table is tried with <c>provider/model</c> first, then <c>model</c> — for the breaker and in telemetry).
    /// </summary>
    public string? ProviderName { get; set; }

    /// <summary>
    /// The output limit reserved for a call whose <c>ChatOptions.MaxOutputTokens</c> is not set; null takes the model's
    /// limit from the price table, else <see cref="RuntimeConfig.DefaultMaxOutputTokens"/>. Under a budget the middleware
    /// sets <c>MaxOutputTokens</c> to what it reserved, so the provider cannot produce more than was held.
    /// </summary>
    public int? DefaultMaxOutputTokens { get; set; }
}
