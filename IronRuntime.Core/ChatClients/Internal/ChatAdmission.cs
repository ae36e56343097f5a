using IronRuntime.Budget;
using IronRuntime.Pricing;

namespace IronRuntime.ChatClients.Internal;

/// <summary>One admitted chat call: what was reserved for it, until it is settled (once).</summary>
internal sealed class ChatAdmission
{
    private int _settled;

    public required string? AgentId { get; init; }

    /// <summary>The provider as the chat client names it (<c>openai</c>, <c>ollama</c>…).</summary>
    public required string Provider { get; init; }

    public required string Model { get; init; }

    /// <summary>The price, or null for a model tracked in tokens only.</summary>
    public required ModelPrice? Price { get; init; }

    public required BudgetReservation Reservation { get; init; }

    /// <summary>The upper bound of the prompt's tokens (0 when it could not be bounded).</summary>
    public required long InputTokenBound { get; init; }

    /// <summary>The output limit set on the call by the middleware (the request set none), or null.</summary>
    public required long? ImposedMaxOutputTokens { get; init; }

    public required long StartTimestamp { get; init; }

    /// <summary>The durable id of the reservation in the state store; 0 when not durable.</summary>
    public long DurableId { get; set; }

    /// <summary>The call's span, stopped when it is settled; null when nobody listens.</summary>
    public System.Diagnostics.Activity? Activity { get; set; }

    /// <summary>What the call holds of the rate limits; null without rate limits.</summary>
    public Budget.RateLimits.RateTicket? Rate { get; set; }

    /// <summary>The cost settled; null until then.</summary>
    public decimal? Cost { get; set; }

    /// <summary>True the first time only.</summary>
    public bool TryMarkSettled() => Interlocked.Exchange(ref _settled, 1) == 0;
}
