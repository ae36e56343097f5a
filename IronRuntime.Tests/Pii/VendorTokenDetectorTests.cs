using IronRuntime.Pii;
using IronRuntime.Pii.Detectors;
using IronRuntime.Pii.Internal;

namespace IronRuntime.Tests.Pii;

/// <summary>
/// Vendor tokens with a fixed prefix, asked of the detector directly, after the vendors' formats as the gitleaks rules
/// write them: npm <c>npm_</c> + 36 <c>[A-Za-z0-9]</c>, GitLab <c>glpat-</c> + 20 to 300 <c>[A-Za-z0-9_-]</c>,
/// Hugging Face <c>hf_</c> + 34 letters, SendGrid <c>SG.</c> + 22 + <c>.</c> + 43, HashiCorp Vault service
/// <c>hvs.</c> + 90 to 120 and batch <c>hvb.</c> + 138 to 300 <c>[A-Za-z0-9_-]</c>, Twilio <c>SK</c> + 32 hex digits
/// (the npm and Twilio bodies need a digit and a letter). The lengths are the formats' bounds, counted by hand.
/// </summary>
public sealed class VendorTokenDetectorTests
{
    private static readonly VendorTokenDetector Detector = new(_ => true);

    private const string NpmBody = "u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8d"; // 36
    private const string HfBody = "XuDLDxtpYlSXpfKtHFvUCsMehGAkWvjFAc"; // 34 letters
    private const string GlpatBody = "YgCfrL1spNxnyVmihA-2"; // 20
    private const string SendGridFirst = "jORS-6ilI8ihN5KXSc7Tvo"; // 22
    private const string SendGridSecond = "-hBKqFYY-kv5ZJr3J1TWDtkwtDDb_xHKas1VOqg6YYZ"; // 43
    private const string TwilioBody = "8f219e9cb0eb53f16947ccf25ec84d8d"; // 32 hex

    /// <summary>A body of <paramref name="length"/> characters of <c>[A-Za-z0-9_-]</c>.</summary>
    private static string KeyBody(int length) => string.Concat(Enumerable.Repeat("aB3_-x9Q", (length / 8) + 1))[..length];

    private static PiiCandidate Found(int start, int length, string type) => PiiCandidate.Match(start, start + length, type, PiiConfidence.KnownPrefix);

    [Test]
    public void Match_EachFormat_FromPrefixToLastBodyCharacter()
    {
        Assert.That(PiiDetectorProbe.Match(Detector, "t npm_" + NpmBody + " x", true, '_'), Is.EqualTo(Found(2, 4 + 36, PiiEntityTypes.NpmToken)));
        Assert.That(PiiDetectorProbe.Match(Detector, "t hf_" + HfBody + " x", true, '_'), Is.EqualTo(Found(2, 3 + 34, PiiEntityTypes.HuggingFaceToken)));
        Assert.That(PiiDetectorProbe.Match(Detector, "t glpat-" + GlpatBody + " x", true, '-'), Is.EqualTo(Found(2, 6 + 20, PiiEntityTypes.GitLabToken)));
        Assert.That(PiiDetectorProbe.Match(Detector, "t SG." + SendGridFirst + "." + SendGridSecond + " x", true, '.'), Is.EqualTo(Found(2, 3 + 22 + 1 + 43, PiiEntityTypes.SendGridKey)));
        Assert.That(PiiDetectorProbe.Match(Detector, "t SK" + TwilioBody + " x", true, 'K'), Is.EqualTo(Found(2, 2 + 32, PiiEntityTypes.TwilioKey)));
    }

    /// <summary>A dot and more text right after a token (a sentence without a space, a file name) is not part of it: only SendGrid has a dot inside.</summary>
    [TestCase("npm_" + NpmBody + ".Then", '_', 40, PiiEntityTypes.NpmToken)]
    [TestCase("hf_" + HfBody + ".co", '_', 37, PiiEntityTypes.HuggingFaceToken)]
    [TestCase("glpat-" + GlpatBody + ".example", '-', 26, PiiEntityTypes.GitLabToken)]
    [TestCase("SK" + TwilioBody + ".ext", 'K', 34, PiiEntityTypes.TwilioKey)]
    public void Match_DotAndTextAfterToken_TokenEndsBeforeTheDot(string text, char trigger, int length, string type)
        => Assert.That(PiiDetectorProbe.Match(Detector, "(" + text, true, trigger), Is.EqualTo(Found(1, length, type)));

    /// <summary>npm bodies are alphanumeric: 34 characters, a dash and one more are not 36 of them.</summary>
    [Test]
    public void Match_NpmBodyWithADash_None()
        => Assert.That(PiiDetectorProbe.Match(Detector, "npm_" + NpmBody[..34] + "-a", true, '_'), Is.EqualTo(PiiCandidate.None));

    /// <summary>The body must hold a digit and a letter (the prefix's own letters do not count).</summary>
    [TestCase("npm_" + "123456789012345678901234567890123456", '_', TestName = "npm: 36 digits")]
    [TestCase("npm_" + "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ", '_', TestName = "npm: 36 letters")]
    [TestCase("SK" + "12345678901234567890123456789012", 'K', TestName = "Twilio: 32 digits")]
    [TestCase("SK" + "abcdefabcdefabcdefabcdefabcdefab", 'K', TestName = "Twilio: 32 hex letters")]
    public void Match_BodyWithoutDigitAndLetter_None(string text, char trigger)
        => Assert.That(PiiDetectorProbe.Match(Detector, "(" + text + ")", true, trigger), Is.EqualTo(PiiCandidate.None));

    [Test]
    public void Match_NpmBodyOfDigitsAndUpperCaseOnly_Found()
        => Assert.That(PiiDetectorProbe.Match(Detector, "(npm_A12345678901234567890123456789012345)", true, '_'), Is.EqualTo(Found(1, 40, PiiEntityTypes.NpmToken)));

    /// <summary>Each variable-length format at its bounds: the longest is found, one more character is not the format.</summary>
    [TestCase("glpat-", '-', 20, true, PiiEntityTypes.GitLabToken)]
    [TestCase("glpat-", '-', 300, true, PiiEntityTypes.GitLabToken)]
    [TestCase("glpat-", '-', 301, false, PiiEntityTypes.GitLabToken)]
    [TestCase("hvs.", '.', 90, true, PiiEntityTypes.VaultToken)]
    [TestCase("hvs.", '.', 120, true, PiiEntityTypes.VaultToken)]
    [TestCase("hvs.", '.', 121, false, PiiEntityTypes.VaultToken)]
    [TestCase("hvb.", '.', 137, false, PiiEntityTypes.VaultToken)]
    [TestCase("hvb.", '.', 138, true, PiiEntityTypes.VaultToken)]
    [TestCase("hvb.", '.', 300, true, PiiEntityTypes.VaultToken)]
    [TestCase("hvb.", '.', 301, false, PiiEntityTypes.VaultToken)]
    public void Match_BodyLengthBounds(string prefix, char trigger, int body, bool found, string type)
        => Assert.That(
            PiiDetectorProbe.Match(Detector, "token " + prefix + KeyBody(body) + " end", true, trigger),
            Is.EqualTo(found ? Found(6, prefix.Length + body, type) : PiiCandidate.None));

    /// <summary>A SendGrid key cut right after its inner dot, at the end of the text, is not a key (and nothing is read past the end).</summary>
    [Test]
    public void Match_SendGridEndingInItsInnerDot_None()
        => Assert.That(PiiDetectorProbe.Match(Detector, "k SG." + SendGridFirst + ".", true, '.'), Is.EqualTo(PiiCandidate.None));

    /// <summary>Each token streamed in pieces cut at every byte is redacted whole, as in one piece.</summary>
    [TestCase("npm_" + NpmBody, "[NPM_TOKEN]")]
    [TestCase("SG." + SendGridFirst + "." + SendGridSecond, "[SENDGRID_KEY]")]
    [TestCase("SK" + TwilioBody, "[TWILIO_KEY]")]
    public void Scan_TokenCutAtEveryByte_RedactedWhole(string token, string label)
        => PiiTestEngine.AssertEverySplitRedactsTo("send " + token + " now", "send " + label + " now");

    /// <summary>A chunk ending in the start of a prefix word at a word boundary is held from the word; anything else is released.</summary>
    [TestCase("np", 0, TestName = "np at the start")]
    [TestCase("x np", 2, TestName = "np after a space")]
    [TestCase("(S", 1, TestName = "S: SG. or SK")]
    [TestCase("=glpa", 1, TestName = "glpa")]
    [TestCase("config_hf", 9, TestName = "hf glued to an identifier")]
    [TestCase("(SK", 3, TestName = "SK whole: Match waits for its body")]
    [TestCase("(npx", 4, TestName = "npx starts no prefix")]
    [TestCase("x np.", 5, TestName = "ends in a dot")]
    [TestCase("(xglpa", 6, TestName = "glpa glued to a letter")]
    [TestCase("(aaaaaaaaaaaanp", 15, TestName = "np ending a long word")]
    public void TailHold_ChunkEndingInAPrefixWord(string text, int expected)
        => Assert.That(PiiDetectorProbe.TailHold(Detector, text), Is.EqualTo(expected));
}
