using IronRuntime.Pii;
using IronRuntime.Pii.Detectors;
using IronRuntime.Pii.Internal;

namespace IronRuntime.Tests.Pii;

/// <summary>
/// The numeric formats asked of the detector directly, one format switched on at a time: payment cards (13–19 digits,
/// Luhn, written as one run or grouped 4-4-…-(1–4) or 4-6-5 / 4-6-4 with spaces or dashes), US SSNs written as nine
/// bare digits (SSA ranges: area not 900–999; a <c>+</c> starts a phone number), and IPv4 addresses (four dotted
/// octets 0–255 without leading zeros). Card numbers are published test numbers, or have their Luhn check digit
/// worked out by hand in the comment; offsets are counted by hand.
/// </summary>
public sealed class NumericDetectorFormatsTests
{
    private static readonly PiiThresholds Defaults = new(new PiiOptions());

    private static readonly NumericDetector Cards = new(phone: false, ssn: false, card: true, ipv4: false, Defaults);

    private static readonly NumericDetector IPv4 = new(phone: false, ssn: false, card: false, ipv4: true, Defaults);

    /// <summary>SSNs with the threshold lowered to 0.3, as docs/pii.md shows, so nine bare digits are reported without a label.</summary>
    private static readonly NumericDetector BareSsns = new(phone: false, ssn: true, card: false, ipv4: false,
        new PiiThresholds(new PiiOptions { Thresholds = { [PiiEntityTypes.Ssn] = 0.3 } }));

    private static PiiCandidate Find(NumericDetector detector, string text) => PiiDetectorProbe.Match(detector, text, true, text.First(char.IsAsciiDigit));

    // 4000000000000000006: 19 digits; the 4 stands at an odd place from the right (not doubled), so 4 + 6 = 10.
    [TestCase("card 4000000000000000006 ok", 5, 24, TestName = "19 digits in one run")]
    [TestCase("card 4000 0000 0000 0000 006 ok", 5, 28, TestName = "19 digits grouped 4-4-4-4-3")]
    [TestCase("card 4222 2222 2222 2 ok", 5, 21, TestName = "13 digits grouped 4-4-4-1 (Visa test number 4222222222222)")]
    [TestCase("card 4111-1111-1111-1111 ok", 5, 24, TestName = "16 digits grouped with dashes (Visa test number)")]
    [TestCase("amex 3782 822463 10005 ok", 5, 22, TestName = "Amex 4-6-5 (test number 378282246310005)")]
    public void Card_Found(string text, int start, int end)
        => Assert.That(Find(Cards, text), Is.EqualTo(PiiCandidate.Match(start, end, PiiEntityTypes.CreditCard, PiiConfidence.Card)));

    // 41111111111111111115: 20 digits; odd places 5 + 9 × 1, even places 9 × 2 + 8 (the 4 doubled): 14 + 26 = 40, Luhn-valid.
    [TestCase("card 4111 1111 1111 1111 1115 ok", TestName = "20 Luhn-valid digits in five groups of four")]
    [TestCase("card 41111 1111 1111 111 ok", TestName = "4111111111111111 grouped 5-4-4-3")]
    [TestCase("card 4111 11111 1111 111 ok", TestName = "4111111111111111 grouped 4-5-4-3")]
    [TestCase("card 4111 1111 11111111 ok", TestName = "4111111111111111 grouped 4-4-8")]
    [TestCase("card 4222 2222 22222 ok", TestName = "4222222222222 grouped 4-4-5")]
    [TestCase("card 4111.1111.1111.1111 ok", TestName = "4111111111111111 grouped with dots")]
    public void Card_NotACardsGroupingOrLength_None(string text)
        => Assert.That(Find(Cards, text), Is.EqualTo(PiiCandidate.None));

    [TestCase("id 899123456 ok", 3, 12, TestName = "Area 899")]
    [TestCase("id 578611004 ok", 3, 12, TestName = "Area 578")]
    [TestCase("id (578611004) ok", 4, 13, TestName = "In parentheses: the digits only")]
    public void BareSsn_Found(string text, int start, int end)
        => Assert.That(Find(BareSsns, text), Is.EqualTo(PiiCandidate.Match(start, end, PiiEntityTypes.Ssn, PiiConfidence.SsnBare)));

    [Test]
    public void BareSsn_InParentheses_FoundByTheEngine_AsA324One()
    {
        // Written 3-2-4 in parentheses it always was; nine bare digits in parentheses were missed even where bare
        // digits are reported (the SSN threshold lowered to 0.3).
        var engine = new PiiEngine(new PiiOptions { Thresholds = { [PiiEntityTypes.Ssn] = 0.3 } }, []);
        Assert.That(PiiTestEngine.Find("ssn (578-61-1004) on file", engine), Is.EqualTo(new[] { (PiiEntityTypes.Ssn, "578-61-1004") }));
        Assert.That(PiiTestEngine.Find("ssn (578611004) on file", engine), Is.EqualTo(new[] { (PiiEntityTypes.Ssn, "578611004") }));
    }

    [TestCase("id 900123456 ok", TestName = "Area 900, never issued")]
    [TestCase("id 999123456 ok", TestName = "Area 999, never issued")]
    [TestCase("tel +578611004 ok", TestName = "After a plus: an international phone number")]
    public void BareSsn_NotAnSsn_None(string text)
        => Assert.That(Find(BareSsns, text), Is.EqualTo(PiiCandidate.None));

    [TestCase("ip 10.0.0.255 ok", 3, 13, TestName = "Last octet 255")]
    [TestCase("ip 255.255.255.255 ok", 3, 18, TestName = "Every octet 255")]
    [TestCase("ip 10.0.0.1 ok", 3, 11, TestName = "Single-digit octets")]
    public void IPv4_Found(string text, int start, int end)
        => Assert.That(Find(IPv4, text), Is.EqualTo(PiiCandidate.Match(start, end, PiiEntityTypes.IpAddress, PiiConfidence.IpAddress)));

    [TestCase("ip 10.01.2.3 ok", TestName = "An octet with a leading zero")]
    [TestCase("ip 10.0.0.256 ok", TestName = "An octet of 256")]
    [TestCase("id 10-20-30-40 ok", TestName = "Joined by dashes")]
    [TestCase("id 10 20 30 40 ok", TestName = "Joined by spaces")]
    public void IPv4_NotAnAddress_None(string text)
        => Assert.That(Find(IPv4, text), Is.EqualTo(PiiCandidate.None));
}
