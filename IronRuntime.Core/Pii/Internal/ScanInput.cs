namespace IronRuntime.Pii.Internal;

/// <summary>The text being scanned, the few bytes that precede it in its stream, and whether more text follows.</summary>
internal readonly ref struct ScanInput
{
    public ScanInput(ReadOnlySpan<byte> text, ReadOnlySpan<byte> before, bool isFinal)
    {
        Text = text;
        Before = before;
        IsFinal = isFinal;
    }

    public ReadOnlySpan<byte> Text { get; }

    /// <summary>Up to <see cref="PiiEngine.ContextBytes"/> bytes before <see cref="Text"/>, for boundary checks.</summary>
    public ReadOnlySpan<byte> Before { get; }

    public bool IsFinal { get; }

    public int Length => Text.Length;

    /// <summary>The byte at <paramref name="index"/> (negative: in <see cref="Before"/>), or -1 outside both.</summary>
    public int At(int index)
    {
        if (index >= 0)
        {
            return index < Text.Length ? Text[index] : -1;
        }

        int back = Before.Length + index;
        return back >= 0 ? Before[back] : -1;
    }
}
