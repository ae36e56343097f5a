using System.Text;

namespace IronRuntime.Tests.Pii;

/// <summary>
/// Random texts of values, prose and boundary fragments (punctuation, brackets, underscores, non-ASCII, digits glued
/// to letters): the scanner's output, whole and streamed in random pieces, equals the independent reference's.
/// </summary>
public sealed class PiiReferencePropertyTests
{
    private static readonly string[] Values =
    [
        "john.smith@example.com", "ops+alerts@mail.example.co.uk", "(415) 555-0132", "+44 20 7946 0958", "1-800-555-0199",
        "415-555-0199", "123-45-6789", "078-05-1120", "4111 1111 1111 1111", "5555555555554444", "3782-822463-10005",
        "4242-4242-4242-4242", "DE89 3704 0044 0532 0130 00", "GB82WEST12345698765432", "NL91ABNA0417164300", "192.168.1.20",
        "8.8.8.8", "sk-proj-Ab3dEf5gHi7jKl9mNo1pQr3sTu5vWx7yZa9bCd1eFg3h", "sk-ant-api03-Zy9xW8vU7tS6rQ5pO4nM3lK2jI1hG0fE-AA",
        "AKIAIOSFODNN7EXAMPLE",
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
        "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5oY\nAwEHoUQDQgAE1Yw==\n-----END EC PRIVATE KEY-----",

        "2001:db8::8a2e:370:7334", "fe80::1ff:fe23:4567:890a", "AIzaSyDPtYgjmUhBel31iEl2hp-hYgCfrL1spNx",
        "npm_gLKOmxgJTeKdNnFRIBXuDL7DxtpYlSXpfKtH", "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", "SK8f219e9cb0eb53f16947ccf25ec84d8d",
        "postgres://app:s3cretPw9@db.internal:5432/app",

        // Near misses: fail their checks.
        "4111 1111 1111 1112", "666-12-3456", "DE88 3704 0044 0532 0130 00", "256.1.1.1", "123-456-7890", "1234567890123456",
        "2001:db8::8a2e::7334", "AIzaSyDPtYgjmUhBel31iEl2hp-hYgCfrL1spN", "npm_gLKOmxgJTeKdNnFRIBXuDL7DxtpYlSXpfKt", "SK8f219e9cb0eb53f16947ccf25ec84d8",
    ];

    /// <summary>
    /// Added to <see cref="Values"/> by <see cref="Redact_RandomTextWithAtextAndBracketedSsns_EqualsReference"/> only (the
    /// seeds of the other tests draw as before): e-mail local parts with RFC 5322 atext symbols, SSNs after a label and an
    /// opening bracket, and their near misses (a template, an order number, area 666).
    /// </summary>
    private static readonly string[] AtextAndBracketValues =
    [
        "a!john@example.com", "o'brien@example.org", "x$y*z^w@example.net", "SSN (578611004)", "ssn(219099999)",
        "SSN: [536221000]", "{name}@example.com", "order (578611004)", "SSN (666123456)",
    ];

    /// <summary>What may stand between values and around them: prose words, digits glued to letters, punctuation of several scripts (two values are never adjacent).</summary>
    private static readonly string[] Fragments =
    [
        " ", " ", " ", ". ", ", ", "; ", ": ", "(", ")", "[", "]", "{", "}", "\"", "'", "_", "-", "/", "\n", "\t", "#",
        "\u00A0", "«\u00A0", "\u00A0»", "：", "，", "。", "、", "！", "🚀", "€", "→", "ー",
        "the", "order", "café", "Straße", "número", "电话", "カード", "رقم", "номер", "x9", "v2", "abc123", "id42", "Tel.",
        "2024", "7", "12", "e", "ey", "sk", "A", "AK", "DE", "+", "1", "é4",
    ];

    private static readonly string[] Characters =
    [
        " ", ".", ",", ";", ":", "!", "?", "(", ")", "[", "]", "{", "}", "<", ">", "\"", "'", "_", "-", "/", "+", "@", "#", "=", "&", "*",
        "\n", "1", "2", "4", "5", "7", "9", "a", "z", "A", "Z", "e", "k", "K", "S", "x", "\u00A0", "é", "ß", "Ж", "中", "：", "。", "🚀",
    ];

    [Test]
    public void Redact_RandomBoundaryText_EqualsReference([Range(0, 199)] int seed)
    {
        var random = new Random(seed);
        string text = Build(random);
        string expected = PiiReferenceModel.Redact(text);
        Assert.That(PiiTestEngine.RedactWhole(text), Is.EqualTo(expected), "whole: " + Escape(text));
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        for (int round = 0; round < 3; round++)
        {
            var pieces = new List<byte[]>();
            for (int at = 0; at < bytes.Length;)
            {
                int size = Math.Min(bytes.Length - at, random.Next(0, 12));
                pieces.Add(bytes[at..(at + size)]);
                at += size;
            }

            Assert.That(PiiTestEngine.RedactStreamedBytes(pieces), Is.EqualTo(expected), "streamed: " + Escape(text));
        }
    }

    [Test]
    public void Redact_RandomTextWithAtextAndBracketedSsns_EqualsReference([Range(0, 99)] int seed)
    {
        var random = new Random(20_000 + seed);
        string text = Build(random, [.. Values, .. AtextAndBracketValues]);
        string expected = PiiReferenceModel.Redact(text);
        Assert.That(PiiTestEngine.RedactWhole(text), Is.EqualTo(expected), "whole: " + Escape(text));
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        Assert.That(PiiTestEngine.RedactStreamedBytes(bytes.Select(b => new[] { b })), Is.EqualTo(expected), "one byte at a time: " + Escape(text));
    }

    [Test]
    public void Stream_EveryCutOfRandomBoundaryText_EqualsReference([Range(0, 9)] int seed)
    {
        string text = Build(new Random(5000 + seed));
        string expected = PiiReferenceModel.Redact(text);
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        for (int cut = 0; cut <= bytes.Length; cut++)
        {
            string streamed = PiiTestEngine.RedactStreamedBytes([bytes[..cut], bytes[cut..]]);
            if (streamed != expected)
            {
                Assert.Fail($"cut at {cut} of {Escape(text)}:\n{Escape(streamed)}\n!=\n{Escape(expected)}");
            }
        }
    }

    private static string Build(Random random) => Build(random, Values);

    private static string Build(Random random, string[] values)
    {
        var text = new StringBuilder();
        int parts = random.Next(4, 14);
        bool lastWasValue = false;
        for (int i = 0; i < parts; i++)
        {
            lastWasValue = !lastWasValue && random.Next(3) == 0;
            if (lastWasValue)
            {
                text.Append(values[random.Next(values.Length)]);
            }
            else if (random.Next(4) == 0)
            {
                // A few characters drawn one by one: punctuation, brackets, digits, letters of several scripts. No '0':
                // a 0 glued before digit groups makes national phone formats (trunk prefix), which the reference lacks.
                for (int n = random.Next(1, 4); n > 0; n--)
                {
                    text.Append(Characters[random.Next(Characters.Length)]);
                }
            }
            else
            {
                text.Append(Fragments[random.Next(Fragments.Length)]);
            }
        }

        return text.ToString();
    }

    private static string Escape(string s) => s.Replace("\n", "\\n", StringComparison.Ordinal);
}
