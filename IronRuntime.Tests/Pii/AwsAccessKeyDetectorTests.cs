using IronRuntime.Pii;
using IronRuntime.Pii.Detectors;
using IronRuntime.Pii.Internal;

namespace IronRuntime.Tests.Pii;

/// <summary>
/// AWS access key ids asked of the detector directly: each documented prefix (AWS IAM "Unique identifiers"), a
/// key whose first four letters are no prefix, and the streaming answers at a lone or cut <c>A</c>.
/// The key body is the one AWS's documentation uses (<c>AKIAIOSFODNN7EXAMPLE</c>).
/// </summary>
public sealed class AwsAccessKeyDetectorTests
{
    private const string Body = "IOSFODNN7EXAMPLE";

    private static readonly AwsAccessKeyDetector Detector = new();

    [TestCase("AKIA")]
    [TestCase("ASIA")]
    [TestCase("AGPA")]
    [TestCase("AIDA")]
    [TestCase("AROA")]
    [TestCase("AIPA")]
    [TestCase("ANPA")]
    [TestCase("ANVA")]
    [TestCase("ABIA")]
    [TestCase("ACCA")]
    public void Match_DocumentedPrefix_TheTwentyCharacterKey(string prefix)
        => Assert.That(PiiDetectorProbe.Match(Detector, "id " + prefix + Body + ".", true, 'A'),
            Is.EqualTo(PiiCandidate.Match(3, 23, PiiEntityTypes.AwsAccessKey, PiiConfidence.KnownPrefix)));

    [TestCase("ABCD" + Body, "no prefix at all")]
    [TestCase("AXIA" + Body, "AKIA with its second letter changed")]
    [TestCase("AKIB" + Body, "AKIA with its last letter changed")]
    public void Match_TwentyCapitalsWithoutAPrefix_None(string key, string why)
        => Assert.That(PiiDetectorProbe.Match(Detector, "id " + key + ".", true, 'A'), Is.EqualTo(PiiCandidate.None), why);

    [Test]
    public void Scan_TwentyCapitalsWithoutAPrefix_NotAnAwsKey()
        => Assert.That(PiiTestEngine.Find("id ABCD" + Body + " here").Select(f => f.Type), Has.No.Member(PiiEntityTypes.AwsAccessKey));

    [Test]
    public void Match_PrefixCutByTheChunk_NeedsMore()
        => Assert.That(PiiDetectorProbe.Match(Detector, "id AKI", false, 'A'), Is.EqualTo(PiiCandidate.NeedMore(3, PiiEntityTypes.AwsAccessKey)));

    [Test]
    public void Match_NoPrefixAlreadyAtTheCut_None()
        => Assert.That(PiiDetectorProbe.Match(Detector, "id AKX", false, 'A'), Is.EqualTo(PiiCandidate.None));

    /// <summary>A lone <c>A</c> at the end of a chunk may start a key: held while more may come, dropped at the end.</summary>
    [Test]
    public void Match_LoneACutAtTheEnd_NeedsMoreUnlessFinal()
    {
        Assert.That(PiiDetectorProbe.Match(Detector, "id A", false, 'A'), Is.EqualTo(PiiCandidate.NeedMore(3, PiiEntityTypes.AwsAccessKey)));
        Assert.That(PiiDetectorProbe.Match(Detector, "A", false, 'A', before: "id "), Is.EqualTo(PiiCandidate.NeedMore(0, PiiEntityTypes.AwsAccessKey)));
        Assert.That(PiiDetectorProbe.Match(Detector, "id A", true, 'A'), Is.EqualTo(PiiCandidate.None));
    }

    [TestCase("xA", "", "glued to a word")]
    [TestCase("A", "x", "glued to a word in the context before the chunk")]
    [TestCase("Ab", "", "a lowercase letter follows")]
    [TestCase("A\0", "", "a NUL byte follows")]
    [TestCase("A.", "", "punctuation follows")]
    public void Match_AThatCannotStartAKey_NoneEvenMidStream(string text, string before, string why)
        => Assert.That(PiiDetectorProbe.Match(Detector, text, false, 'A', before: before), Is.EqualTo(PiiCandidate.None), why);

    [Test]
    public void Streamed_KeyAndLookAlike_EveryCutRedactsTheKeyOnly()
        => PiiTestEngine.AssertEverySplitRedactsTo("key AKIA" + Body + ", not ABCD" + Body + ".", "key [AWS_ACCESS_KEY], not ABCD" + Body + ".");
}
