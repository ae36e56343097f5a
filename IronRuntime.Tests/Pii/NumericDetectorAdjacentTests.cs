using IronRuntime.Pii;
using IronRuntime.Pii.Detectors;
using IronRuntime.Pii.Internal;

namespace IronRuntime.Tests.Pii;

/// <summary>
/// A digit group that follows an earlier digit group across a separator, asked of the numeric detector directly and of
/// the whole engine: after a dash or a closing parenthesis it continues the earlier run (no start of its own, even while
/// the text is still open); after a space it starts a value of its own only when the values read from the earlier run
/// end exactly before that space, however many values that run holds; while the earlier run may still grow it is held.
/// The values are standard test numbers: SSN 078-05-1120, the fictional NANP phone 415-555-0132 and the Visa test
/// card 4111 1111 1111 1111 (Luhn-valid).
/// </summary>
public sealed class NumericDetectorAdjacentTests
{
    private static readonly NumericDetector Detector = new(phone: true, ssn: true, card: true, ipv4: true, new PiiThresholds(new PiiOptions()));

    /// <summary>The second group of <c>415-555</c> and of <c>(415)555</c> belongs to the run that starts at 415: no start, open text or not.</summary>
    [TestCase("415-555", 4, false, TestName = "Group after a dash, open text")]
    [TestCase("415-555", 4, true, TestName = "Group after a dash, final text")]
    [TestCase("(415)555", 5, false, TestName = "Group after an area code's parenthesis, open text")]
    [TestCase("(415)555", 5, true, TestName = "Group after an area code's parenthesis, final text")]
    public void Match_GroupContinuingARun_None(string text, int trigger, bool isFinal)
        => Assert.That(PiiDetectorProbe.Match(Detector, text, isFinal, '5', from: trigger), Is.EqualTo(PiiCandidate.None));

    /// <summary>
    /// <c>ids 5 4111</c> with more text to come: the run <c>5 4111</c> is no value yet, but its last group may still
    /// grow into one, so the group is held from its first digit (as the first enabled type, SSN).
    /// </summary>
    [Test]
    public void Match_GroupAfterANonValueAtTheEndOfOpenText_HeldFromItsFirstDigit()
        => Assert.That(PiiDetectorProbe.Match(Detector, "ids 5 4111", false, '4'), Is.EqualTo(PiiCandidate.NeedMore(6, PiiEntityTypes.Ssn)));

    /// <summary>A group of 70 digits after a lone 5 outruns every value (the longest, a card, has 19 digits): nothing to hold or find.</summary>
    [TestCase(true)]
    [TestCase(false)]
    public void Match_GroupLongerThanAnyValueAfterALoneDigit_None(bool isFinal)
        => Assert.That(PiiDetectorProbe.Match(Detector, "ids 5 " + new string('1', 70), isFinal, '1'), Is.EqualTo(PiiCandidate.None));

    /// <summary>The card after an SSN and a phone in one run: both earlier values end before a space, the second right before the card.</summary>
    [TestCase("078-05-1120 415-555-0132 4111111111111111", 25, TestName = "SSN, phone, card")]
    [TestCase("078-05-1120 (415) 555-0132 4111111111111111", 27, TestName = "SSN, phone with area code in parentheses, card")]
    public void Match_CardAfterTwoValues_Found(string text, int start)
        => Assert.That(PiiDetectorProbe.Match(Detector, text, true, '4', from: start), Is.EqualTo(PiiCandidate.Match(start, start + 16, PiiEntityTypes.CreditCard, PiiConfidence.Card)));

    [TestCase("078-05-1120 415-555-0132 4111111111111111 ok", "[SSN] [PHONE] [CREDIT_CARD] ok")]
    [TestCase("ids 078-05-1120 (415) 555-0132 4111111111111111", "ids [SSN] [PHONE] [CREDIT_CARD]")]
    [TestCase("ids 5 4111", "ids 5 4111")]
    public void Redact_ValuesSideBySide_EachRedacted(string text, string expected)
    {
        Assert.That(PiiTestEngine.RedactWhole(text), Is.EqualTo(expected));
        PiiTestEngine.AssertEverySplitRedactsTo(text, expected);
    }
}
