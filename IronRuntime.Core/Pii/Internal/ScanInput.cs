using System.Buffers;
using System.Globalization;
using System.Text;

namespace IronRuntime.Pii.Internal;

/// <summary>The text being scanned, the few bytes that precede it in its stream, and whether more text follows.</summary>
internal readonly ref struct ScanInput(ReadOnlySpan<byte> text, ReadOnlySpan<byte> before, bool isFinal)
{
    public ReadOnlySpan<byte> Text { get; } = text;

    /// <summary>Up to <see cref="PiiEngine.ContextBytes"/> bytes before <see cref="Text"/>, for boundary checks.</summary>
    public ReadOnlySpan<byte> Before { get; } = before;

    public bool IsFinal { get; } = isFinal;

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

    /// <summary>
    /// Whether the character that ends just before <paramref name="index"/> is a word character: an ASCII letter,
    /// digit or <c>_</c>, or a letter, digit or mark of any script. Punctuation, symbols and separators of any script
    /// (no-break space, full-width colon, « », CJK punctuation, emoji) are boundaries.
    /// </summary>
    public bool IsWordBefore(int index)
    {
        int b = At(index - 1);
        if (b < 0x80)
        {
            return PiiAscii.IsAsciiWord(b);
        }

        return !TryRuneBefore(index, out Rune rune, out _) || IsWordRune(rune);
    }

    /// <summary>Decodes the non-ASCII character that ends just before <paramref name="index"/> (in the text or the context before it).</summary>
    public bool TryRuneBefore(int index, out Rune rune, out int length)
    {
        Span<byte> bytes = stackalloc byte[4];
        int n = 0;
        while (n < 4 && At(index - 1 - n) is >= 0x80 and var c)
        {
            bytes[3 - n] = (byte)c;
            n++;
            if (c >= 0xC0)
            {
                break;
            }
        }

        return Rune.DecodeLastFromUtf8(bytes[(4 - n)..], out rune, out length) == OperationStatus.Done;
    }

    /// <summary>Whether the character that starts at <paramref name="index"/> is a word character (see <see cref="IsWordBefore"/>); false past the end.</summary>
    public bool IsWordAt(int index)
    {
        int b = At(index);
        if (b < 0x80)
        {
            return PiiAscii.IsAsciiWord(b);
        }

        return Rune.DecodeFromUtf8(Text[index..], out Rune rune, out _) != OperationStatus.Done || IsWordRune(rune);
    }

    /// <summary>Letters, digits and marks of any script.</summary>
    public static bool IsWordRune(Rune rune)
    {
        UnicodeCategory category = Rune.GetUnicodeCategory(rune);
        return category <= UnicodeCategory.DecimalDigitNumber || category is UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber;
    }
}
