using System.Text;
using IronRuntime.Pii;

namespace IronRuntime.Tests.Pii;

/// <summary>
/// Stated behaviours of the streaming scanner at its edges: boundary context carried across pieces, the hold-back cap
/// failing closed for the whole value, and inputs on which whole text and one-byte streaming once disagreed.
/// </summary>
public sealed class PiiStreamingEdgeTests
{
    [TestCase("pay _(5555555555554444 now", "pay _([CREDIT_CARD] now")]
    [TestCase("New paragraph:  AKIA(1-800-555-0199.  card", "New paragraph:  AKIA([PHONE].  card")]
    [TestCase("call x(415) 555-0132 now", "call x(415) 555-0132 now")]
    [TestCase("id_+14155550132 now", "id_+14155550132 now")]
    [TestCase("tel +14155550132 now", "tel [PHONE] now")]
    public void Redact_PrefixGluedToWord_WholeAndEveryStreamAgree(string text, string expected)
    {
        // A '(' or '+' glued to a word is punctuation: the value starts at its first digit (and a bare 11-digit run or
        // a 3-digit group in parentheses is no phone without its prefix).
        Assert.That(PiiTestEngine.RedactWhole(text), Is.EqualTo(expected));
        PiiTestEngine.AssertEverySplitRedactsTo(text, expected);
    }

    [TestCase("pay +5555555555554444 now", "pay +[CREDIT_CARD] now")]
    [TestCase("card +4111 1111 1111 1111.", "card +[CREDIT_CARD].")]
    [TestCase("host +192.168.1.20 up", "host +[IP_ADDRESS] up")]
    [TestCase("ssn +078-05-1120, ok", "ssn +[SSN], ok")]
    [TestCase("tel +44 20 7946 0958 ok", "tel [PHONE] ok")]
    public void Redact_PlusBeforeAValueNotAPhone_ValueStillFound(string text, string expected)
    {
        // A '+' makes a number international only if it is a phone number: a 16-digit card (E.164 allows 15 digits),
        // a dotted quad or an SSN after a '+' is still that value, and the '+' stays as punctuation.
        Assert.That(PiiTestEngine.RedactWhole(text), Is.EqualTo(expected));
        PiiTestEngine.AssertEverySplitRedactsTo(text, expected);
    }

    [TestCase("电话", "4111111111111111 ok")]
    [TestCase("رقم", "5555555555554444.")]
    [TestCase("カード", "4111 1111 1111 1111")]
    public void Stream_WordReleasedInEarlierPiece_StillGluesTheNumber(string word, string rest)
    {
        // The word (of a script no value starts with) is settled and released with the first piece; only the kept
        // context says the digits are glued to it.
        using (var scanner = PiiTestEngine.NewScanner())
        {
            var output = new System.Buffers.ArrayBufferWriter<byte>();
            PiiTestEngine.Feed(scanner, Encoding.UTF8.GetBytes(word), false, output);
            Assert.That(scanner.HeldBytes, Is.Zero, "released with the first piece");
        }

        string streamed = PiiTestEngine.RedactStreamed([word, rest]);
        Assert.That(streamed, Is.EqualTo(word + rest));
        Assert.That(PiiTestEngine.RedactWhole(word + rest), Is.EqualTo(word + rest));
    }

    [TestCase("x ", "4111111111111111 ok", "x [CREDIT_CARD] ok")]
    [TestCase("信用卡号：", "3579393689192338，", "信用卡号：[CREDIT_CARD]，")]
    public void Stream_BoundaryReleasedInEarlierPiece_NumberFound(string first, string rest, string expected)
        => Assert.That(PiiTestEngine.RedactStreamed([first, rest]), Is.EqualTo(expected));

    [Test]
    public void Redact_UndecidedPastCap_RedactedEvenWhenItTurnsOutNotAValue()
    {
        // 300 bytes of base64url after eyJ stay undecided (a JWT needs two dots); past a 256-byte cap the run fails
        // closed, whole or streamed, although a scan without a cap would leave it alone.
        string text = "see eyJ" + new string('a', 300) + " end";
        Assert.That(PiiTestEngine.Find(text), Is.Empty, "without a cap it is not a token");
        Assert.That(PiiTestEngine.RedactStreamedBytes([Encoding.UTF8.GetBytes(text)], maxHold: 256), Is.EqualTo("see [JWT] end"));
        Assert.That(PiiTestEngine.RedactStreamedBytes(Encoding.UTF8.GetBytes(text).Select(b => new[] { b }), maxHold: 256), Is.EqualTo("see [JWT] end"));
    }

    [Test]
    public void Redact_UndecidedWithinCap_DecidedNormally()
    {
        string text = "see eyJ" + new string('a', 240) + " end";
        Assert.That(PiiTestEngine.RedactStreamedBytes(Encoding.UTF8.GetBytes(text).Select(b => new[] { b }), maxHold: 256), Is.EqualTo(text));
        Assert.That(PiiTestEngine.RedactStreamedBytes([Encoding.UTF8.GetBytes(text)], maxHold: 256), Is.EqualTo(text));
    }

    [Test]
    public void Stream_JwtLongerThanCap_RedactedToItsLastByte()
    {
        string jwt = LongJwt(24 * 1024);
        string text = "token " + jwt + " done";
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        Assert.That(PiiTestEngine.RedactWhole(text), Is.EqualTo("token [JWT] done"));
        var random = new Random(7);
        for (int round = 0; round < 20; round++)
        {
            var pieces = new List<byte[]>();
            for (int at = 0; at < bytes.Length;)
            {
                int size = Math.Min(bytes.Length - at, random.Next(1, 3000));
                pieces.Add(bytes[at..(at + size)]);
                at += size;
            }

            Assert.That(PiiTestEngine.RedactStreamedBytes(pieces), Is.EqualTo("token [JWT] done"));
        }
    }

    [Test]
    public void Stream_PemLongerThanCap_RedactedThroughItsEndLine()
    {
        var body = new StringBuilder();
        for (int i = 0; i < 22 * 1024 / 65; i++)
        {
            body.Append(new string((char)('A' + (i % 26)), 64)).Append('\n');
        }

        string pem = "-----BEGIN PRIVATE KEY-----\n" + body + "-----END PRIVATE KEY-----";
        string text = "key:\n" + pem + "\nsignature below is public";
        Assert.That(PiiTestEngine.RedactWhole(text), Is.EqualTo("key:\n[PRIVATE_KEY]\nsignature below is public"));
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        Assert.That(PiiTestEngine.RedactStreamedBytes(bytes.Chunk(7).Select(c => c.ToArray())), Is.EqualTo("key:\n[PRIVATE_KEY]\nsignature below is public"));
        Assert.That(PiiTestEngine.RedactStreamedBytes(bytes.Chunk(4096).Select(c => c.ToArray())), Is.EqualTo("key:\n[PRIVATE_KEY]\nsignature below is public"));
    }

    [Test]
    public void Stream_EveryCut_ValuesLongerThanCap_EqualsWhole()
    {
        // A 300-byte cap so that every cut of a text with values longer than the cap can be tried.
        string text = "a eyJ" + new string('Q', 320) + ". b -----BEGIN PRIVATE KEY-----\n" + new string('M', 400) + "\n-----END PRIVATE KEY-----\nc sk-" + new string('k', 350) + "9 d";
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        string whole = PiiTestEngine.RedactStreamedBytes([bytes], maxHold: 300);

        // Past the cap the value runs to the end of its grammar: a JWT over base64url and dots (the full stop with it).
        Assert.That(whole, Is.EqualTo("a [JWT] b [PRIVATE_KEY]\nc [OPENAI_KEY] d"));
        for (int cut = 0; cut <= bytes.Length; cut++)
        {
            string streamed = PiiTestEngine.RedactStreamedBytes([bytes[..cut], bytes[cut..]], maxHold: 300);
            Assert.That(streamed, Is.EqualTo(whole), $"cut at {cut}");
        }
    }

    private static string LongJwt(int length)
    {
        string header = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";
        string claims = Convert.ToBase64String(Encoding.UTF8.GetBytes("{\"data\":\"" + new string('x', length * 3 / 4) + "\"}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return header + "." + claims + ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
    }
}
