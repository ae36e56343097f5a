using IronRuntime.Pii;
using IronRuntime.Pii.Detectors;
using IronRuntime.Pii.Internal;

namespace IronRuntime.Tests.Pii;

/// <summary>
/// Passwords in a URL's user information (RFC 3986 §3.2.1, <c>scheme://user:password@host</c>) asked of the detector
/// directly: the password only, each part at most 64 characters, and the tail held while a chunk may still become one.
/// </summary>
public sealed class UrlPasswordDetectorTests
{
    private static readonly UrlPasswordDetector Detector = new();

    private static readonly string Max = new('p', 64);

    [Test]
    public void Match_PostgresUrl_ThePasswordOnly()
        => Assert.That(PiiDetectorProbe.Match(Detector, "postgres://app:s3cret@db:5432/app", true, '@'),
            Is.EqualTo(PiiCandidate.Match(15, 21, PiiEntityTypes.Secret, PiiConfidence.UrlPassword)));

    [Test]
    public void Match_PasswordOf64_Found_Of65_None()
    {
        Assert.That(PiiDetectorProbe.Match(Detector, "redis://u:" + Max + "@h", true, '@'), Is.EqualTo(PiiCandidate.Match(10, 74, PiiEntityTypes.Secret, PiiConfidence.UrlPassword)));
        Assert.That(PiiDetectorProbe.Match(Detector, "redis://u:" + Max + "p@h", true, '@'), Is.EqualTo(PiiCandidate.None));
    }

    [Test]
    public void Match_UserOf64_Found_Of65_None()
    {
        Assert.That(PiiDetectorProbe.Match(Detector, "https://" + Max + ":pw@h", true, '@'), Is.EqualTo(PiiCandidate.Match(73, 75, PiiEntityTypes.Secret, PiiConfidence.UrlPassword)));
        Assert.That(PiiDetectorProbe.Match(Detector, "https://" + Max + "p:pw@h", true, '@'), Is.EqualTo(PiiCandidate.None));
    }

    [Test]
    public void Match_PasswordStartingAtTheFloor_Found_BeforeIt_None()
    {
        Assert.That(PiiDetectorProbe.Match(Detector, "redis://u:pw@h", true, '@', floor: 10), Is.EqualTo(PiiCandidate.Match(10, 12, PiiEntityTypes.Secret, PiiConfidence.UrlPassword)));
        Assert.That(PiiDetectorProbe.Match(Detector, "redis://u:pw@h", true, '@', floor: 11), Is.EqualTo(PiiCandidate.None));
    }

    [TestCase("https://example.com/bob@x", "an @ in the path: no user information")]
    [TestCase("redis://user:@cache", "an empty password")]
    [TestCase("text u:pw@host", "no scheme")]
    [TestCase("note:a u:pw@host", "a colon earlier in the text is no scheme")]
    [TestCase("ab:c/user:pw@host", "one slash after the colon")]
    [TestCase("ab:/user:pw@host", "one slash after the colon, right before the user")]
    [TestCase("ab//user:pw@host", "two slashes without a colon")]
    [TestCase("://user:pw@host", "no scheme name before ://")]
    public void Match_NotAUrlPassword_None(string text, string why)
        => Assert.That(PiiDetectorProbe.Match(Detector, text, true, '@'), Is.EqualTo(PiiCandidate.None), why);

    /// <summary>
    /// A 65-character user is past the password detector's reach, but the <c>pw@example.com</c> after its colon is
    /// still URL user information, not an e-mail address.
    /// </summary>
    [Test]
    public void Scan_UserOf65_PasswordNotTakenForAnEmail()
        => Assert.That(PiiTestEngine.Find("https://" + Max + "p:pw@example.com/db").Select(f => f.Type), Has.No.Member(PiiEntityTypes.Email));

    /// <summary>A chunk ending in <c>scheme://</c> and user information of up to user:password (64 + 1 + 64) is held from the user on.</summary>
    [TestCase("see https://u", 12)]
    [TestCase("see https://u:p", 12)]
    [TestCase("see https://", 12)]
    [TestCase("see http:/u", 11)]
    public void TailHold_UserInformationAfterScheme_HeldFromTheUser(string text, int hold)
        => Assert.That(PiiDetectorProbe.TailHold(Detector, text), Is.EqualTo(hold));

    [Test]
    public void TailHold_UserColonPasswordOfMaximalParts_Held_OneMore_NotHeld()
    {
        string tail = Max + ":" + Max;
        Assert.That(PiiDetectorProbe.TailHold(Detector, "see https://" + tail), Is.EqualTo(12));
        Assert.That(PiiDetectorProbe.TailHold(Detector, "see https://" + tail + "p"), Is.EqualTo(12 + tail.Length + 1));
    }

    [Test]
    public void Streamed_PostgresUrl_EveryCutRedactsThePasswordOnly()
        => PiiTestEngine.AssertEverySplitRedactsTo("use postgres://app:s3cret@db:5432/app now", "use postgres://app:[SECRET]@db:5432/app now");
}
