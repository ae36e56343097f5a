using System.Buffers;
using System.Text;
using IronRuntime.Pii;
using IronRuntime.Pii.Internal;
using IronRuntime.Router;

namespace IronRuntime.Tests.Pii;

/// <summary>The built-in engine with every detector on, and helpers to redact text whole or streamed.</summary>
internal static class PiiTestEngine
{
    public static PiiEngine Default { get; } = new(new PiiOptions(), []);

    /// <summary>The values found in <paramref name="text"/>, as (type, value).</summary>
    public static List<(string Type, string Value)> Find(string text, IPiiEngine? engine = null)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        var matches = new List<PiiMatch>();
        (engine ?? Default).Scan(bytes, default, isFinal: true, matches);
        return [.. matches.Select(m => (m.EntityType, Encoding.UTF8.GetString(bytes, m.Start, m.Length)))];
    }

    /// <summary>The text with every value replaced by <c>[TYPE]</c>, scanned whole.</summary>
    public static string RedactWhole(string text, IPiiEngine? engine = null) => RedactStreamed([text], engine);

    /// <summary>The text cut into <paramref name="pieces"/> (UTF-8 byte pieces joined back), streamed through one scanner.</summary>
    public static string RedactStreamed(IEnumerable<string> pieces, IPiiEngine? engine = null)
        => RedactStreamedBytes(pieces.Select(Encoding.UTF8.GetBytes), engine);

    public static string RedactStreamedBytes(IEnumerable<byte[]> pieces, IPiiEngine? engine = null, int maxHold = 16 * 1024)
    {
        using var scanner = NewScanner(engine, maxHold);
        return Stream(scanner, pieces);
    }

    /// <summary>Streams the UTF-8 bytes of <paramref name="pieces"/> through <paramref name="scanner"/> (see the overload).</summary>
    public static string Stream(ILlmTextScanner scanner, IEnumerable<string> pieces) => Stream(scanner, pieces.Select(Encoding.UTF8.GetBytes));

    /// <summary>Streams <paramref name="pieces"/>, then a final empty piece, through <paramref name="scanner"/>; the text it lets out.</summary>
    public static string Stream(ILlmTextScanner scanner, IEnumerable<byte[]> pieces)
    {
        var output = new ArrayBufferWriter<byte>();
        foreach (byte[] piece in pieces)
        {
            Feed(scanner, piece, false, output);
        }

        Feed(scanner, [], true, output);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    public static PiiTextScanner NewScanner(IPiiEngine? engine = null, int maxHold = 16 * 1024, PiiMode mode = PiiMode.Redact)
        => new(engine ?? Default, new PiiReplacer(new PiiOptions(), null), null, "test", LlmContentDirection.Response, mode, maxHold);

    public static void Feed(ILlmTextScanner scanner, ReadOnlySpan<byte> piece, bool final, ArrayBufferWriter<byte> output)
    {
        var status = scanner.Scan(piece, final, output);
        if (status == LlmTextScanStatus.Unchanged)
        {
            output.Write(piece);
        }
        else if (status == LlmTextScanStatus.Blocked)
        {
            throw new InvalidOperationException("blocked");
        }
    }

    /// <summary>Asserts that <paramref name="text"/> redacts to <paramref name="expected"/> scanned whole, and (see <see cref="AssertEverySplitRedactsTo"/>) streamed.</summary>
    public static void AssertWholeAndEverySplitRedactTo(string text, string expected)
    {
        Assert.That(RedactWhole(text), Is.EqualTo(expected), "whole");
        AssertEverySplitRedactsTo(text, expected);
    }

    /// <summary>Asserts that <paramref name="text"/> streamed one byte at a time, and cut in two at every byte, redacts to <paramref name="expected"/>.</summary>
    public static void AssertEverySplitRedactsTo(string text, string expected)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        Assert.That(RedactStreamedBytes(bytes.Select(b => new[] { b })), Is.EqualTo(expected), "one byte at a time");
        for (int cut = 0; cut <= bytes.Length; cut++)
        {
            Assert.That(RedactStreamedBytes([bytes[..cut], bytes[cut..]]), Is.EqualTo(expected), $"cut at {cut}");
        }
    }
}
