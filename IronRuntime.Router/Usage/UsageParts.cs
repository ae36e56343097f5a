using System.Diagnostics.CodeAnalysis;
using System.Numerics;

namespace IronRuntime.Router.Usage;

/// <summary>
/// The counters of one provider <c>usage</c> object as the provider wrote them, with which ones were present.
/// </summary>
/// <remarks>
/// A counter is named by its <see cref="UsageFields"/> flag and kept in the slot of that flag's bit
/// (<see cref="UsageFields.Input"/> in slot 0 to <see cref="UsageFields.ServerToolUses"/> in slot 8), so the flags
/// that say which counters were present also address them (<see cref="Counter"/>).
/// For <see cref="UsageDialect.Anthropic"/>, the <see cref="UsageFields.Input"/> counter is Anthropic's
/// <c>input_tokens</c> (the uncached part only); <see cref="ToTokenUsage"/> adds the cache counters to it as
/// <see cref="TokenUsage"/> requires.
/// </remarks>
internal struct UsageParts
{
    /// <summary>How many counters there are: one per flag from <see cref="UsageFields.Input"/> to <see cref="UsageFields.ServerToolUses"/>.</summary>
    private const int CounterCount = 9;

    /// <summary>Other billed tool uses by kind (Responses output items), or null when there is none.</summary>
    public Dictionary<string, long>? ToolUses;

    /// <summary>The counters that were present (and numeric).</summary>
    public UsageFields Present;

    private Counters _counters;

    /// <summary>Overwrites this instance's counters with those present in <paramref name="later"/>.</summary>
    /// <param name="later">A later usage object of the same call (for example Anthropic's <c>message_delta</c>).</param>
    public void Update(UsageParts later)
    {
        for (int slot = 0; slot < CounterCount; slot++)
        {
            if (((int)later.Present & (1 << slot)) != 0)
            {
                _counters[slot] = later._counters[slot];
            }
        }

        if (later.ToolUses is not null)
        {
            ToolUses = later.ToolUses;
        }

        Present |= later.Present;
    }

    /// <summary>The counter that <paramref name="field"/> (a single flag) names.</summary>
    /// <param name="field">One counter's flag.</param>
    /// <returns>A reference to the counter.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="field"/> is not a single counter's flag.</exception>
    [UnscopedRef]
    public ref long Counter(UsageFields field) => ref _counters[Slot(field)];

    /// <summary>Normalises the counters to a <see cref="TokenUsage"/>.</summary>
    /// <param name="dialect">The dialect the counters were read in.</param>
    /// <returns>The usage, with <see cref="TokenUsage.InputTokens"/> counting every prompt token.</returns>
    public readonly TokenUsage ToTokenUsage(UsageDialect dialect)
    {
        long input = Read(UsageFields.Input);
        long cached = Read(UsageFields.CachedInput);
        long cacheCreation = Read(UsageFields.CacheCreation);
        return new TokenUsage(
            dialect == UsageDialect.Anthropic ? input + cached + cacheCreation : input,
            Read(UsageFields.Output),
            cached,
            cacheCreation,
            Read(UsageFields.Reasoning),
            Read(UsageFields.CacheCreationOneHour),
            Read(UsageFields.AudioInput),
            Read(UsageFields.AudioOutput),
            Read(UsageFields.ServerToolUses),
            ToolUses);
    }

    private static int Slot(UsageFields field)
    {
        uint bits = (uint)field;
        if (!BitOperations.IsPow2(bits) || bits > (uint)UsageFields.ServerToolUses)
        {
            throw new ArgumentOutOfRangeException(nameof(field), field, "Not a single counter.");
        }

        return BitOperations.Log2(bits);
    }

    private readonly long Read(UsageFields field) => _counters[Slot(field)];

    /// <summary>The counters, one slot per <see cref="UsageFields"/> bit.</summary>
    [System.Runtime.CompilerServices.InlineArray(CounterCount)]
    private struct Counters
    {
        private long _first;
    }
}
