using System.ComponentModel;
using IronRuntime.Agents;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;

namespace IronRuntime.Samples.AgentFramework;

/// <summary>
/// A Microsoft Agent Framework agent — a <see cref="ChatClientAgent"/> with one function tool — running as an
/// IronRuntime in-process agent under its own budget. Its chat client comes from <see cref="AgentContext.GetChatClient"/>,
/// so every model call (the tool call and the final answer) is priced, metered and held to the budget on the wire.
/// </summary>
public static class TideAgent
{
    /// <summary>The IronRuntime agent id the calls are charged to.</summary>
    public const string AgentId = "tide-agent";

    /// <summary>
    /// Asks the agent <paramref name="question"/> and returns its answer. A budget refusal surfaces as
    /// <see cref="IronRuntime.ChatClients.BudgetExceededException"/> (the agent fails with it as its fault).
    /// </summary>
    /// <param name="runtime">The runtime.</param>
    /// <param name="question">The question.</param>
    /// <param name="budget">The agent's budget in USD.</param>
    /// <param name="model">The model (OpenAI or Anthropic).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The answer.</returns>
    public static async Task<string> AskAsync(AgentRuntime runtime, string question, decimal budget, string model = "gpt-4o-mini", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        string? answer = null;
        var handle = await runtime.StartAgentAsync(async ctx =>
        {
            using IChatClient chatClient = ctx.GetChatClient(model);
            AIAgent agent = new ChatClientAgent(
                chatClient,
                instructions: "You answer questions about tides. Use get_tide to look up a port.",
                name: "tides",
                tools: [AIFunctionFactory.Create(GetTide, "get_tide")]);
            AgentResponse response = await agent.RunAsync(question, cancellationToken: ctx.StoppingToken);
            answer = response.Text;
        }, new AgentOptions { AgentId = AgentId, Name = "Tide agent", Budget = budget }, cancellationToken);

        await handle.WaitForExitAsync(cancellationToken);
        if (handle.Fault is { } fault)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(fault);
        }

        return answer ?? string.Empty;
    }

    /// <summary>The tool: the time of high tide in a port (a fixed table: the sample calls no web service).</summary>
    [Description("Looks up the time of high tide in a port.")]
    public static string GetTide([Description("The port.")] string port) => $"High tide in {port} at 18:40.";
}
