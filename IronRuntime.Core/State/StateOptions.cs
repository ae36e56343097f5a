using System.ComponentModel.DataAnnotations;

namespace IronRuntime.State;

/// <summary>Where the runtime keeps its state between runs.</summary>
public sealed class StateOptions
{
    /// <summary>
    /// Path of the SQLite database holding every call (agent, model, tokens, cost, outcome) and agent runs; the
    /// spend recorded there is charged to the budgets again at start-up, so limits hold across restarts.
    /// Null (the default) keeps state in memory only.
    /// </summary>
    public string? DatabasePath { get; set; }

    /// <summary>How many records may wait for the background writer before new ones are dropped (and counted, and logged). Default 65,536.</summary>
    [Range(1, int.MaxValue)]
    public int QueueCapacity { get; set; } = 65_536;
}
