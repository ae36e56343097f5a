using System.Text;
using IronRuntime.Pii;

namespace IronRuntime.Tests.Pii;

/// <summary>
/// The streaming property: however a text is cut into pieces, the concatenated streamed output equals the redaction
/// of the whole text.
/// </summary>
public sealed class PiiStreamingPropertyTests
{
    [Test]
    public void Redact_GeneratedText_FindsEveryPlacedValue([Range(0, 9)] int seed)
    {
        string text = PiiSamples.Build(new Random(seed), out var placed);
        var found = PiiTestEngine.Find(text);
        Assert.That(found, Is.EqualTo(placed), text);
    }

    [Test]
    public void Stream_EveryCutPosition_EqualsWhole([Range(0, 3)] int seed)
    {
        string text = PiiSamples.Build(new Random(seed), out _);
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        string whole = PiiTestEngine.RedactWhole(text);
        for (int cut = 0; cut <= bytes.Length; cut++)
        {
            string streamed = PiiTestEngine.RedactStreamedBytes([bytes[..cut], bytes[cut..]]);
            if (streamed != whole)
            {
                Assert.Fail($"cut at {cut} ({Escape(text[..Math.Min(text.Length, Encoding.UTF8.GetCharCount(bytes, 0, cut))])}|...):\n{streamed}\n!=\n{whole}");
            }
        }
    }

    [Test]
    public void Stream_OneByteChunks_EqualsWhole([Range(0, 9)] int seed)
    {
        string text = PiiSamples.Build(new Random(seed), out _);
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        Assert.That(PiiTestEngine.RedactStreamedBytes(bytes.Select(b => new[] { b })), Is.EqualTo(PiiTestEngine.RedactWhole(text)));
    }

    [Test]
    public void Stream_RandomChunks_EqualsWhole([Range(0, 49)] int seed)
    {
        var random = new Random(1000 + seed);
        string text = PiiSamples.Build(random, out _);
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        var pieces = new List<byte[]>();
        for (int at = 0; at < bytes.Length;)
        {
            int size = Math.Min(bytes.Length - at, random.Next(0, 24));
            pieces.Add(bytes[at..(at + size)]);
            at += size;
        }

        Assert.That(PiiTestEngine.RedactStreamedBytes(pieces), Is.EqualTo(PiiTestEngine.RedactWhole(text)));
    }

    [Test]
    public void Stream_WordDeltas_ReleasesProseOneWordLate()
    {
        using var scanner = PiiTestEngine.NewScanner();
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        PiiTestEngine.Feed(scanner, "Hello"u8, false, output);
        Assert.That(Encoding.UTF8.GetString(output.WrittenSpan), Is.Empty, "a trailing word could be an e-mail's local part");
        PiiTestEngine.Feed(scanner, " world. "u8, false, output);
        Assert.That(Encoding.UTF8.GetString(output.WrittenSpan), Is.EqualTo("Hello world. "));
        Assert.That(scanner.HeldBytes, Is.Zero);
    }

    [Test]
    public void Stream_HoldBackCap_RedactsTheWholeAmbiguousRun()
    {
        string pemStart = "-----BEGIN PRIVATE KEY-----\n" + new string('A', 600);
        string streamed = PiiTestEngine.RedactStreamedBytes([Encoding.UTF8.GetBytes("x " + pemStart)], maxHold: 256);
        Assert.That(streamed, Is.EqualTo("x [PRIVATE_KEY]"));
    }

    private static string Escape(string s) => s.Replace("\n", "\\n", StringComparison.Ordinal);
}
