namespace IronRuntime.ChatClients;

/// <summary>
/// A chat call refused because its worst case does not fit a budget (what the router answers with 402 and
/// <c>iron_runtime_budget_exceeded</c> / <c>budget_exceeded</c>); nothing was sent and nothing charged.
/// </summary>
public sealed class BudgetExceededException : IronRuntimeCallRefusedException
{
    /// <summary>The error type.</summary>
    public const string Type = "iron_runtime_budget_exceeded";

    /// <summary>The error code.</summary>
    public const string Code = "budget_exceeded";

    /// <summary>Creates the exception.</summary>
    public BudgetExceededException()
        : this("IronRuntime budget exceeded.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public BudgetExceededException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public BudgetExceededException(string message, Exception? innerException)
        : base(message, 402, Type, Code, innerException)
    {
    }

    /// <summary>The agent whose call was refused, or null for an unattributed call.</summary>
    public string? AgentId { get; init; }

    /// <summary>The model of the refused call.</summary>
    public string? Model { get; init; }

    /// <summary>The worst-case cost the call needed, in USD.</summary>
    public decimal Needed { get; init; }

    /// <summary>What the binding budget (the agent's or the global one) had left, in USD, holds of calls in flight deducted.</summary>
    public decimal Remaining { get; init; }
}
