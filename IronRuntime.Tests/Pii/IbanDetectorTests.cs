using IronRuntime.Pii;
using IronRuntime.Pii.Detectors;
using IronRuntime.Pii.Internal;

namespace IronRuntime.Tests.Pii;

/// <summary>
/// IBANs asked of the detector directly. DE89 3704 0044 0532 0130 00 is the German example of the ISO 13616 / SWIFT
/// IBAN registry; the other values are derived from it by hand (their mod 97-10 worked out independently).
/// </summary>
public sealed class IbanDetectorTests
{
    private static readonly IbanDetector Detector = new();

    [TestCase("DE89 3704 0044 0532 0130 00", "groups of four")]
    [TestCase("DE89370400440532013000", "compact")]
    [TestCase("DE89 370400440532013000", "a space after the check digits only: spaces are optional once the first group is spaced")]
    [TestCase("DE89 3704 00440532 0130 00", "one space left out")]
    public void Match_GermanExample_TheWholeIban(string iban, string why)
        => Assert.That(PiiDetectorProbe.Match(Detector, iban + ".", true, '8'), Is.EqualTo(PiiCandidate.Match(0, iban.Length, PiiEntityTypes.Iban)), why);

    /// <summary>Spacing starts after the first four characters (country and check digits) or not at all.</summary>
    [Test]
    public void Match_FirstSpaceAfterEightCharacters_None()
        => Assert.That(PiiDetectorProbe.Match(Detector, "DE893704 0044 0532 0130 00.", true, '8'), Is.EqualTo(PiiCandidate.None));

    /// <summary>
    /// DE1Q370400440532013001 passes mod 97-10 (Q = 26: 370400440532013001 131426 mod 97 = 1), but ISO 13616 check
    /// digits are two digits: not an IBAN.
    /// </summary>
    [Test]
    public void Match_LetterAsSecondCheckDigit_NoneThoughTheChecksumHolds()
        => Assert.That(PiiDetectorProbe.Match(Detector, "DE1Q370400440532013001.", true, '1'), Is.EqualTo(PiiCandidate.None));

    /// <summary>A chunk ending in up to two letters after a boundary may be an IBAN's country: held; letters inside a word are not.</summary>
    [TestCase("pay to DE", 7)]
    [TestCase("pay to D", 7)]
    [TestCase(" de", 1)]
    [TestCase("pay to xDE", 10)]
    [TestCase("pay to DEU", 10)]
    [TestCase("pay to ", 7)]
    public void TailHold_TrailingCountryLetters_HeldAtABoundary(string text, int hold)
        => Assert.That(PiiDetectorProbe.TailHold(Detector, text), Is.EqualTo(hold));

    [Test]
    public void TailHold_LettersBeforeTheFloor_NotHeld()
        => Assert.That(PiiDetectorProbe.TailHold(Detector, "pay to DE", floor: 8), Is.EqualTo(9));

    [Test]
    public void Streamed_SpacedAndLowercaseIbans_EveryCutRedactsBoth()
        => PiiTestEngine.AssertEverySplitRedactsTo("pay DE89 3704 0044 0532 0130 00 or fr7630006000011234567890189 today", "pay [IBAN] or [IBAN] today");
}
