namespace IronRuntime.Pii.Detectors;

/// <summary>
/// A run of digit groups with single separators (space, dash, dot, parentheses) as the numeric detectors see it:
/// up to <see cref="MaxGroups"/> groups, read once per trigger on the stack.
/// </summary>
internal ref struct NumericRun
{
    public const int MaxGroups = 8;

    private Groups _starts;
    private Groups _lengths;
    private Gaps _gaps;

    /// <summary>The number of groups read.</summary>
    public int Count { get; private set; }

    /// <summary>Whether a leading <c>+</c> belongs to the run.</summary>
    public bool Plus { get; set; }

    /// <summary>Whether the first group is opened by <c>(</c>.</summary>
    public bool OpenParen { get; set; }

    public readonly int Start(int group) => _starts[group];

    public readonly int Length(int group) => _lengths[group];

    public readonly int End(int group) => _starts[group] + _lengths[group];

    /// <summary>What follows group <paramref name="group"/>: <see cref="NumericGap.End"/> or <see cref="NumericGap.Other"/> only after the last group.</summary>
    public readonly NumericGap GapAfter(int group) => _gaps[group];

    public void Add(int start, int length)
    {
        _starts[Count] = start;
        _lengths[Count] = length;
        _gaps[Count] = NumericGap.End;
        Count++;
    }

    public void SetGap(int group, NumericGap gap) => _gaps[group] = gap;

    /// <summary>Whether a value made of the first <paramref name="groups"/> groups may end there: at the run's end, or before a space or an opening parenthesis.</summary>
    public readonly bool CanEndAfter(int groups) => groups == Count ? _gaps[groups - 1] == NumericGap.End : _gaps[groups - 1] is NumericGap.Space or NumericGap.ParenOpen;

    /// <summary>The number of digits in the first <paramref name="groups"/> groups.</summary>
    public readonly int Digits(int groups)
    {
        int total = 0;
        for (int g = 0; g < groups; g++)
        {
            total += _lengths[g];
        }

        return total;
    }

    [System.Runtime.CompilerServices.InlineArray(MaxGroups)]
    private struct Groups
    {
        private int _element;
    }

    [System.Runtime.CompilerServices.InlineArray(MaxGroups)]
    private struct Gaps
    {
        private NumericGap _element;
    }
}
