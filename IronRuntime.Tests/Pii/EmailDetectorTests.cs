using System.Text;
using IronRuntime.Pii;
using IronRuntime.Pii.Detectors;
using IronRuntime.Pii.Internal;

namespace IronRuntime.Tests.Pii;

/// <summary>
/// E-mail addresses asked of the detector directly, with limits from the standards: a local part of 1–64 octets with no
/// leading, trailing or doubled dot (RFC 5321 §4.5.3.1.1, RFC 5322 §3.2.3 dot-atom), letters of the Latin-1 Supplement,
/// Latin Extended-A/B, combining marks, Greek and Cyrillic blocks (U+00C0–U+024F without × and ÷, U+0300–U+04FF) in it
/// (RFC 6531), a domain of at most 253 octets in labels of 1–63 octets that neither start nor end with a hyphen
/// (RFC 1035 §2.3.1/§2.3.4) under an alphabetic TLD of two letters or more; a URL's user and an image name at a pixel
/// density (<c>icon@2x.png</c>) are not addresses. Offsets are counted by hand.
/// </summary>
public sealed class EmailDetectorTests
{
    private static readonly EmailDetector Detector = new();

    private static PiiCandidate Email(int start, int end) => PiiCandidate.Match(start, end, PiiEntityTypes.Email, PiiConfidence.Email);

    /// <summary>The detector's answer at the first <c>@</c> of UTF-8 <paramref name="text"/> (with UTF-8 context before it).</summary>
    private static PiiCandidate MatchUtf8(string text, string before = "", int floor = 0)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        return Detector.Match(new ScanInput(bytes, Encoding.UTF8.GetBytes(before), true), floor, Array.IndexOf(bytes, (byte)'@'));
    }

    [Test]
    public void Match_PlainAddress_FromItsFirstByteToItsLast()
        => Assert.That(PiiDetectorProbe.Match(Detector, "mail john@example.com now", true, '@'), Is.EqualTo(Email(5, 21)));

    [Test]
    public void Match_LocalPartOf64_Found_Of65_None()
    {
        Assert.That(PiiDetectorProbe.Match(Detector, " " + new string('x', 64) + "@example.com", true, '@'), Is.EqualTo(Email(1, 77)));
        Assert.That(PiiDetectorProbe.Match(Detector, " " + new string('x', 65) + "@example.com", true, '@'), Is.EqualTo(PiiCandidate.None));
        Assert.That(PiiDetectorProbe.Match(Detector, new string('x', 65) + "@example.com", true, '@'), Is.EqualTo(PiiCandidate.None), "at the start of the text");
    }

    /// <summary>A dot-atom starts with an atom: leading dots are punctuation before the address.</summary>
    [TestCase(".john@example.com", 1, 17)]
    [TestCase("..john@example.com", 2, 18)]
    [TestCase("(.j.o@example.com", 2, 17)]
    public void Match_LeadingDots_NotPartOfTheAddress(string text, int start, int end)
        => Assert.That(PiiDetectorProbe.Match(Detector, text, true, '@'), Is.EqualTo(Email(start, end)));

    [TestCase("...@example.com", "a local part of dots only")]
    [TestCase("@example.com", "no local part")]
    [TestCase("john.@example.com", "a trailing dot")]
    [TestCase("jo..hn@example.com", "a doubled dot")]
    [TestCase(".jo..hn@example.com", "a doubled dot after a leading one")]
    [TestCase("jo...@example.com", "trailing dots")]
    public void Match_LocalPartNotADotAtom_None(string text, string why)
        => Assert.That(PiiDetectorProbe.Match(Detector, text, true, '@'), Is.EqualTo(PiiCandidate.None), why);

    /// <summary>An address whose local part began before the floor (already decided text) or in the context before the text is not read from its middle.</summary>
    [Test]
    public void Match_LocalPartReachingPastTheFloorOrIntoTheContext_None()
    {
        Assert.That(PiiDetectorProbe.Match(Detector, "abcd@example.com", true, '@', floor: 2), Is.EqualTo(PiiCandidate.None));
        Assert.That(PiiDetectorProbe.Match(Detector, "ab cd@example.com", true, '@', floor: 3), Is.EqualTo(Email(3, 17)));
        Assert.That(PiiDetectorProbe.Match(Detector, "cd@example.com", true, '@', before: "ab"), Is.EqualTo(PiiCandidate.None));
        Assert.That(PiiDetectorProbe.Match(Detector, "cd@example.com", true, '@', before: "a "), Is.EqualTo(Email(0, 14)));
    }

    /// <summary>
    /// A letter of the local part's scripts in the context before the text continues the local part (é is C3 A9, Ѐ is
    /// D0 80 in UTF-8); a CJK character (中, E4 B8 AD) ends it like punctuation.
    /// </summary>
    [TestCase("é")]
    [TestCase("Ѐ")]
    public void Match_LocalLetterInTheContextBefore_None(string before)
        => Assert.That(MatchUtf8("cd@example.com", before), Is.EqualTo(PiiCandidate.None));

    [Test]
    public void Match_CjkInTheContextBefore_Found()
        => Assert.That(MatchUtf8("cd@example.com", "中"), Is.EqualTo(Email(0, 14)));

    /// <summary>
    /// Each character between <c>a</c> and <c>b</c> of <c>a?b@example.com</c>: inside the local part's scripts the
    /// address starts at <c>a</c>; outside them, at <c>b</c> (after the character's UTF-8 bytes). Block edges from the
    /// Unicode charts: Latin-1 Supplement letters start at U+00C0, Latin Extended-B ends at U+024F (IPA Extensions
    /// follow), Spacing Modifier Letters end at U+02FF before the combining marks at U+0300, Cyrillic ends at U+04FF
    /// (Cyrillic Supplement follows).
    /// </summary>
    [TestCase("\u00BF", false, TestName = "Local letter U+00BF inverted question mark: out")]
    [TestCase("\u00C0", true, TestName = "Local letter U+00C0 A grave: in")]
    [TestCase("\u00D7", false, TestName = "Local letter U+00D7 multiplication sign: out")]
    [TestCase("\u00F7", false, TestName = "Local letter U+00F7 division sign: out")]
    [TestCase("\u024F", true, TestName = "Local letter U+024F small y with stroke: in")]
    [TestCase("\u0250", false, TestName = "Local letter U+0250 IPA turned a: out")]
    [TestCase("\u02FF", false, TestName = "Local letter U+02FF modifier arrowhead: out")]
    [TestCase("\u0300", true, TestName = "Local letter U+0300 combining grave: in")]
    [TestCase("\u03B1", true, TestName = "Local letter U+03B1 Greek alpha: in")]
    [TestCase("\u04FF", true, TestName = "Local letter U+04FF Cyrillic ha with stroke: in")]
    [TestCase("\u0500", false, TestName = "Local letter U+0500 Cyrillic Supplement komi de: out")]
    public void Match_CharacterInsideTheLocalPart_ContinuesItOnlyInItsScripts(string character, bool letter)
    {
        int length = Encoding.UTF8.GetByteCount(character);
        int end = 1 + length + 1 + 12;
        Assert.That(MatchUtf8("a" + character + "b@example.com"), Is.EqualTo(Email(letter ? 0 : 1 + length, end)));
    }

    [Test]
    public void Match_LatinLocalPart_WholeAddress()
        => Assert.That(MatchUtf8("an José@example.com"), Is.EqualTo(Email(3, 20)), "é is two bytes");

    /// <summary>The user of a URL is no address; a colon and one slash before a local part make no URL authority.</summary>
    [TestCase("https://john@example.com", TestName = "URL user after scheme://")]
    [TestCase("https://user:john@example.com", TestName = "URL password after scheme://user:")]
    public void Match_UrlUserInformation_None(string text)
        => Assert.That(PiiDetectorProbe.Match(Detector, text, true, '@'), Is.EqualTo(PiiCandidate.None));

    [TestCase("ab:c/john@example.com", 5, 21, TestName = "One slash after a colon and a letter")]
    [TestCase("ab:/(john@example.com", 5, 21, TestName = "One slash after a colon, then a parenthesis")]
    [TestCase("note:john@example.com", 5, 21, TestName = "A colon without a scheme")]
    public void Match_NotAUrlUser_Found(string text, int start, int end)
        => Assert.That(PiiDetectorProbe.Match(Detector, text, true, '@'), Is.EqualTo(Email(start, end)));

    /// <summary>An image at a pixel density is a digit, an <c>x</c>, a dot and an extension; anything else is a domain.</summary>
    [TestCase("icon@2x.png")]
    [TestCase("logo@3X.webp")]
    public void Match_ScaledImageName_None(string text)
        => Assert.That(PiiDetectorProbe.Match(Detector, text, true, '@'), Is.EqualTo(PiiCandidate.None));

    [TestCase("john@ab.cd", 10, TestName = "Domain ab.cd (dot third, no digit, no x)")]
    [TestCase("john@ax.io", 10, TestName = "Domain ax.io (x second, no digit first)")]
    [TestCase("john@2y.io", 10, TestName = "Domain 2y.io (digit first, no x)")]
    [TestCase("john@2x.example.com", 19, TestName = "Domain 2x.example.com (three labels)")]
    public void Match_DomainsLikeAScaledImageName_Found(string text, int end)
        => Assert.That(PiiDetectorProbe.Match(Detector, text, true, '@'), Is.EqualTo(Email(0, end)));

    [Test]
    public void Match_DomainOf253_Found_Of254_None()
    {
        string labels = new string('a', 63) + "." + new string('b', 63) + "." + new string('c', 63) + ".";
        string domain253 = labels + new string('d', 58) + ".io";
        Assert.That(domain253, Has.Length.EqualTo(253));
        Assert.That(PiiDetectorProbe.Match(Detector, "john@" + domain253, true, '@'), Is.EqualTo(Email(0, 258)));
        Assert.That(PiiDetectorProbe.Match(Detector, "john@" + labels + new string('d', 59) + ".io", true, '@'), Is.EqualTo(PiiCandidate.None));
    }

    [Test]
    public void Match_LabelOf63_Found_Of64_None()
    {
        Assert.That(PiiDetectorProbe.Match(Detector, "john@" + new string('a', 63) + ".com", true, '@'), Is.EqualTo(Email(0, 72)));
        Assert.That(PiiDetectorProbe.Match(Detector, "john@" + new string('a', 64) + ".com", true, '@'), Is.EqualTo(PiiCandidate.None));
        Assert.That(PiiDetectorProbe.Match(Detector, "john@example." + new string('c', 64), true, '@'), Is.EqualTo(PiiCandidate.None), "a TLD of 64");
    }

    /// <summary>The 63-octet limit is per label: a domain longer than that in short labels is one.</summary>
    [Test]
    public void Match_DomainLongerThanALabel_Found()
        => Assert.That(PiiDetectorProbe.Match(Detector, "john@" + new string('a', 60) + ".com", true, '@'), Is.EqualTo(Email(0, 69)));

    [TestCase("john@ex-.com", TestName = "Label ending in a hyphen")]
    [TestCase("john@-ex.com", TestName = "Label starting with a hyphen")]
    [TestCase("john@a.-b.com", TestName = "Inner label starting with a hyphen")]
    [TestCase("john@.example.com", TestName = "Empty first label")]
    [TestCase("john@example..com", TestName = "Empty inner label")]
    [TestCase("john@example.c", TestName = "One-letter TLD")]
    [TestCase("john@example.c0m", TestName = "TLD with a digit")]
    [TestCase("john@localhost", TestName = "One label")]
    [TestCase("john@a.b", TestName = "Domain of three octets")]
    public void Match_NotADomain_None(string text)
        => Assert.That(PiiDetectorProbe.Match(Detector, text, true, '@'), Is.EqualTo(PiiCandidate.None));

    [TestCase("john@a-b.io", 11, TestName = "Hyphen inside a label")]
    [TestCase("john@a.example.com", 18, TestName = "One-letter first label")]
    [TestCase("john@example.com.", 16, TestName = "Sentence dot after the TLD")]
    [TestCase("john@example.com-", 16, TestName = "Hyphen after the TLD")]
    [TestCase("john@example.com.-.", 16, TestName = "Dots and hyphens after the TLD")]
    public void Match_DomainWithPunctuation_Found(string text, int end)
        => Assert.That(PiiDetectorProbe.Match(Detector, text, true, '@'), Is.EqualTo(Email(0, end)));

    [Test]
    public void Match_DomainReachingTheEndOfAChunk_HeldFromTheLocalPart()
        => Assert.That(PiiDetectorProbe.Match(Detector, "(.john@example", false, '@'), Is.EqualTo(PiiCandidate.NeedMore(1, PiiEntityTypes.Email)));

    /// <summary>A chunk ending in a local part of up to 64 octets is held from its start (it may be followed by <c>@</c>).</summary>
    [Test]
    public void TailHold_LocalPartOf64_HeldFromItsStart_Of65_NotHeld()
    {
        Assert.That(PiiDetectorProbe.TailHold(Detector, "see " + new string('x', 64)), Is.EqualTo(4));
        Assert.That(PiiDetectorProbe.TailHold(Detector, "see " + new string('x', 65)), Is.EqualTo(69));
    }

    [TestCase("see ", 0, 4, TestName = "Tail ending in a space: not held")]
    [TestCase("see jo", 0, 4, TestName = "Tail ending in a local part: held from it")]
    [TestCase("abcd", 2, 4, TestName = "Local part reaching past the floor: not held")]
    [TestCase("ab cd", 3, 3, TestName = "Local part starting at the floor: held")]
    public void TailHold_Tails(string text, int floor, int hold)
        => Assert.That(PiiDetectorProbe.TailHold(Detector, text, floor), Is.EqualTo(hold));

    /// <summary>
    /// A run that began before the floor (a value found right before it) or is longer than 64 octets is read from after
    /// its first punctuation character within 64 octets of the <c>@</c>: a local part of 64 octets after it is one, of 65 not.
    /// </summary>
    [Test]
    public void Match_RunCutByTheFloorOrItsLength_FromAfterItsFirstPunctuation()
    {
        Assert.That(PiiDetectorProbe.Match(Detector, "ab!cd@example.com", true, '@', floor: 3), Is.EqualTo(Email(3, 17)), "punctuation before the floor");
        Assert.That(PiiDetectorProbe.Match(Detector, "ab-c!d@example.com", true, '@', floor: 1), Is.EqualTo(Email(3, 18)), "the first punctuation after the floor");
        string x = new('x', 70);
        Assert.That(PiiDetectorProbe.Match(Detector, x + "!" + new string('j', 64) + "@example.com", true, '@'), Is.EqualTo(Email(71, 147)));
        Assert.That(PiiDetectorProbe.Match(Detector, x + "!" + new string('j', 65) + "@example.com", true, '@'), Is.EqualTo(PiiCandidate.None));
    }

    /// <summary>The tail hold reads the same way: from after the first punctuation of a run that reaches into decided text or past 64 octets.</summary>
    [TestCase("ab!cd", 3, 3, TestName = "Tail after a punctuation before the floor: held from the floor")]
    [TestCase("ab-c!d", 1, 3, TestName = "Tail reaching past the floor: held from after its first punctuation")]
    public void TailHold_RunCutByTheFloor(string text, int floor, int hold)
        => Assert.That(PiiDetectorProbe.TailHold(Detector, text, floor), Is.EqualTo(hold));

    [Test]
    public void TailHold_RunLongerThan64_FromAfterItsFirstPunctuationWithin64()
    {
        string x = new('x', 70);
        Assert.That(PiiDetectorProbe.TailHold(Detector, x + "!" + new string('j', 64)), Is.EqualTo(71));
        Assert.That(PiiDetectorProbe.TailHold(Detector, x + "!" + new string('j', 65)), Is.EqualTo(136));
    }

    [Test]
    public void Streamed_AddressAfterLeadingDot_EveryCutRedactsTheAddressOnly()
        => PiiTestEngine.AssertEverySplitRedactsTo("write to .john@example.com.", "write to .[EMAIL].");
}
