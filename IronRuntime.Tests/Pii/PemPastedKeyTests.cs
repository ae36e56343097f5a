using System.Text;

namespace IronRuntime.Tests.Pii;

/// <summary>
/// Private keys as people paste them into other text: quoted in an e-mail reply, split into source-code strings,
/// listed in JSON, commented out, with RFC 1421 headers that carry an address, or with extra dashes. Each key must be
/// redacted whole, from its first dash to the last dash of its END line, in one piece, streamed a byte at a time, cut in
/// two anywhere, and (for the longer ones) past a small hold-back cap, where the scanner's overflow grammar takes over
/// from the detector. The expected texts are written by hand.
/// </summary>
public sealed class PemPastedKeyTests
{
    private const string Body1 = "MIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi+Z1bKsL0w";
    private const string Body2 = "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAA==";

    private static readonly object[] Pasted =
    [
        new object[]
        {
            "e-mail reply",
            "On Monday you wrote:\n> -----BEGIN RSA PRIVATE KEY-----\n> " + Body1 + "\n> " + Body2 + "\n> -----END RSA PRIVATE KEY-----\nThanks!",
            "On Monday you wrote:\n> [PRIVATE_KEY]\nThanks!",
        },
        new object[]
        {
            "nested e-mail reply",
            ">> -----BEGIN PRIVATE KEY-----\n>> " + Body1 + "\n>>\n>> " + Body2 + "\n>> -----END PRIVATE KEY-----\n> ok?",
            ">> [PRIVATE_KEY]\n> ok?",
        },
        new object[]
        {
            "Python strings",
            "KEY = (\"-----BEGIN PRIVATE KEY-----\\n\"\n       \"" + Body1 + "\\n\"\n       '" + Body2 + "\\n'\n       \"-----END PRIVATE KEY-----\\n\")\n",
            "KEY = (\"[PRIVATE_KEY]\\n\")\n",
        },
        new object[]
        {
            "Java concatenation",
            "String key = \"-----BEGIN EC PRIVATE KEY-----\\n\" +\n    \"" + Body1 + "\\n\" +\n    \"-----END EC PRIVATE KEY-----\";",
            "String key = \"[PRIVATE_KEY]\";",
        },
        new object[]
        {
            "JSON array of lines",
            "{\"lines\": [\"-----BEGIN PRIVATE KEY-----\", \"" + Body1 + "\", \"" + Body2 + "\", \"-----END PRIVATE KEY-----\"]}",
            "{\"lines\": [\"[PRIVATE_KEY]\"]}",
        },
        new object[]
        {
            "shell comments",
            "# -----BEGIN OPENSSH PRIVATE KEY-----\n# " + Body2 + "\n# " + Body1 + "\n# -----END OPENSSH PRIVATE KEY-----\necho done",
            "# [PRIVATE_KEY]\necho done",
        },
        new object[]
        {
            "C comment",
            "/*\n * -----BEGIN RSA PRIVATE KEY-----\n * " + Body1 + "\n * -----END RSA PRIVATE KEY-----\n */",
            "/*\n * [PRIVATE_KEY]\n */",
        },
        new object[]
        {
            "Markdown table",
            "| key | -----BEGIN PRIVATE KEY----- |\n| | " + Body1 + " |\n| | -----END PRIVATE KEY----- |\n| next | row |",
            "| key | [PRIVATE_KEY] |\n| next | row |",
        },
        new object[]
        {
            "headers with an address",
            "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,4B4E2A1D9C1F07E3\nComment: ops_team@build.example.com; rotated\n\n" + Body1 + "\n-----END RSA PRIVATE KEY-----\nbye",
            "[PRIVATE_KEY]\nbye",
        },
        new object[]
        {
            "six dashes",
            "key: ------BEGIN RSA PRIVATE KEY------\n" + Body1 + "\n------END RSA PRIVATE KEY------ done",
            "key: [PRIVATE_KEY] done",
        },
    ];

    [TestCaseSource(nameof(Pasted))]
    public void Redact_PastedKey_WholeAndEverySplit(string layout, string text, string expected)
    {
        Assert.That(PiiTestEngine.RedactWhole(text), Is.EqualTo(expected), layout);
        PiiTestEngine.AssertEverySplitRedactsTo(text, expected);
    }

    /// <summary>A key longer than the hold-back cap is redacted by the overflow grammar: the same bytes as the detector takes.</summary>
    [TestCaseSource(nameof(Pasted))]
    public void Redact_PastedKeyPastTheCap_SameAsUnderIt(string layout, string text, string expected)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        Assert.That(PiiTestEngine.RedactStreamedBytes([bytes], maxHold: 40), Is.EqualTo(expected), layout + ", whole");
        Assert.That(PiiTestEngine.RedactStreamedBytes(bytes.Select(b => new[] { b }), maxHold: 40), Is.EqualTo(expected), layout + ", a byte at a time");
    }

    /// <summary>A BEGIN line without an END line still ends where its body does, not at the end of the text.</summary>
    [Test]
    public void Redact_KeyWithoutEndLine_StopsAtTheFirstByteNoBodyHas()
    {
        const string Text = "> -----BEGIN PRIVATE KEY-----\n> " + Body1 + "\n> (truncated) see ~/.ssh";
        const string Expected = "> [PRIVATE_KEY] (truncated) see ~/.ssh";
        Assert.That(PiiTestEngine.RedactWhole(Text), Is.EqualTo(Expected));
        PiiTestEngine.AssertEverySplitRedactsTo(Text, Expected);
    }
}
