using IronRuntime.Router;

namespace IronRuntime.Tests.Streaming;

/// <summary>Records every completion it is asked for (the router's real one ignores repeats; this one counts them).</summary>
internal sealed class RecordingCompletion : ILlmCallCompletion
{
    private readonly List<(LlmCall Call, LlmCallOutcome Outcome, TokenUsage Usage)> _calls = [];

    public IReadOnlyList<(LlmCall Call, LlmCallOutcome Outcome, TokenUsage Usage)> Calls => _calls;

    public LlmCallOutcome? SingleOutcome => _calls.Count == 1 ? _calls[0].Outcome : null;

    public void Complete(LlmCall call, LlmCallOutcome outcome)
    {
        lock (_calls)
        {
            _calls.Add((call, outcome, call.Usage));
        }
    }
}
