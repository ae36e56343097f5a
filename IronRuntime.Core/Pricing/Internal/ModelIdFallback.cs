using System.Collections.Frozen;

namespace IronRuntime.Pricing.Internal;

/// <summary>
/// The model-id fallbacks tried when a model has no price under its exact id.
/// </summary>
/// <remarks>
/// Applied in order, each on the result of the previous ones, with a lookup after every step that changed the id:
/// <list type="number">
/// <item><description>strip a leading <c>openai/</c> or <c>anthropic/</c> provider prefix;</description></item>
/// <item><description>for a fine-tuned id <c>ft:BASE:org:suffix:id</c>, try <c>ft:BASE</c> (how LiteLLM keys
/// fine-tune prices) and stop there: fine-tuned inference is billed above the base model, so the base price
/// would undercharge;</description></item>
/// <item><description>strip a trailing date <c>-YYYY-MM-DD</c> or <c>-YYYYMMDD</c>;</description></item>
/// <item><description>strip a trailing <c>-latest</c>.</description></item>
/// </list>
/// There is deliberately no fuzzy or prefix matching beyond these: a wrong price is worse than none.
/// Everything works on spans, so resolving allocates nothing.
/// </remarks>
internal static class ModelIdFallback
{
    private const string FineTunePrefix = "ft:";
    private const string LatestSuffix = "-latest";

    public static ModelPrice? Resolve(ReadOnlySpan<char> model, FrozenDictionary<string, ModelPrice>.AlternateLookup<ReadOnlySpan<char>> prices)
    {
        ReadOnlySpan<char> id = model;
        ModelPrice? price;

        if ((TryStripPrefix(ref id, "openai/") || TryStripPrefix(ref id, "anthropic/")) && prices.TryGetValue(id, out price))
        {
            return price;
        }

        if (id.StartsWith(FineTunePrefix, StringComparison.OrdinalIgnoreCase))
        {
            ReadOnlySpan<char> baseModel = id[FineTunePrefix.Length..];
            int colon = baseModel.IndexOf(':');
            if (colon >= 0)
            {
                baseModel = baseModel[..colon];
                if (prices.TryGetValue(id[..(FineTunePrefix.Length + colon)], out price))
                {
                    return price;
                }
            }

            return null;
        }

        if (TryStripDate(ref id) && prices.TryGetValue(id, out price))
        {
            return price;
        }

        if (id.Length > LatestSuffix.Length
            && id.EndsWith(LatestSuffix, StringComparison.OrdinalIgnoreCase)
            && prices.TryGetValue(id[..^LatestSuffix.Length], out price))
        {
            return price;
        }

        return null;
    }

    private static bool TryStripPrefix(ref ReadOnlySpan<char> id, string prefix)
    {
        if (id.Length > prefix.Length && id.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            id = id[prefix.Length..];
            return true;
        }

        return false;
    }

    /// <summary>Strips <c>-YYYY-MM-DD</c> or <c>-YYYYMMDD</c> (a plausible month and day) from the end.</summary>
    private static bool TryStripDate(ref ReadOnlySpan<char> id)
    {
        const int DashedLength = 11; // -YYYY-MM-DD
        const int CompactLength = 9; // -YYYYMMDD

        if (id.Length > DashedLength)
        {
            ReadOnlySpan<char> date = id[^DashedLength..];
            if (date[0] == '-' && date[5] == '-' && date[8] == '-' && IsDate(date.Slice(1, 4), date.Slice(6, 2), date.Slice(9, 2)))
            {
                id = id[..^DashedLength];
                return true;
            }
        }

        if (id.Length > CompactLength)
        {
            ReadOnlySpan<char> date = id[^CompactLength..];
            if (date[0] == '-' && IsDate(date.Slice(1, 4), date.Slice(5, 2), date.Slice(7, 2)))
            {
                id = id[..^CompactLength];
                return true;
            }
        }

        return false;
    }

    private static bool IsDate(ReadOnlySpan<char> year, ReadOnlySpan<char> month, ReadOnlySpan<char> day)
    {
        if (year.ContainsAnyExceptInRange('0', '9') || month.ContainsAnyExceptInRange('0', '9') || day.ContainsAnyExceptInRange('0', '9'))
        {
            return false;
        }

        int m = ((month[0] - '0') * 10) + (month[1] - '0');
        int d = ((day[0] - '0') * 10) + (day[1] - '0');
        return m is >= 1 and <= 12 && d is >= 1 and <= 31;
    }
}
