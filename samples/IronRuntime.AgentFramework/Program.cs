// Microsoft Agent Framework under IronRuntime: a ChatClientAgent with a function tool, held to a per-agent budget.
//   OPENAI_API_KEY=sk-... dotnet run --project samples/IronRuntime.AgentFramework -- "When is high tide in Brest?"
using System.Globalization;
using IronRuntime;
using IronRuntime.ChatClients;
using IronRuntime.Samples.AgentFramework;

string question = args.Length > 0 ? string.Join(' ', args) : "When is high tide in Brest?";
await using AgentRuntime runtime = AgentRuntime.CreateBuilder()
    .UseOpenAI(Environment.GetEnvironmentVariable("OPENAI_API_KEY"))
    .UseAnthropic(Environment.GetEnvironmentVariable("ANTHROPIC_API_KEY"))
    .Build();
try
{
    string answer = await TideAgent.AskAsync(runtime, question, budget: 0.05m, model: Environment.GetEnvironmentVariable("MODEL") ?? "gpt-4o-mini");
    Console.WriteLine(answer);
}
catch (BudgetExceededException ex)
{
    Console.WriteLine("Refused: " + ex.Message);
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Spent ${runtime.GetBudget(TideAgent.AgentId).Spent:0.######}"));
