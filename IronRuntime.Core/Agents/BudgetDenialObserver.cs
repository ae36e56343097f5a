using System.Net;
using IronRuntime.Router;

namespace IronRuntime.Agents;

/// <summary>Tells the runtime when an agent's call was denied for budget (402), for <see cref="AgentOptions.StopWhenBudgetExhausted"/>.</summary>
internal sealed class BudgetDenialObserver : ILlmCallObserver
{
    /// <summary>Raised with the agent id after a budget denial.</summary>
    public event EventHandler<string>? BudgetDenied;

    public void OnCallCompleted(LlmCall call)
    {
        if (call is { Outcome: LlmCallOutcome.Denied, StatusCode: (int)HttpStatusCode.PaymentRequired, CallerId: { } agentId })
        {
            BudgetDenied?.Invoke(this, agentId);
        }
    }
}
