using IronRuntime.Pii;
using IronRuntime.Pii.Detectors;
using IronRuntime.Pii.Internal;

namespace IronRuntime.Tests.Pii;

/// <summary>
/// IPv6 addresses (RFC 4291 §2.2 text forms, RFC 5952) asked of the detector directly: the whole address from its
/// first byte to its last, sentence punctuation after it left out, runs that do not parse (a second <c>::</c>, nine
/// groups, an octet over 255, a run longer than the longest address) turned away, and the tail a chunk ends in held
/// while it may still become an address. Offsets are counted by hand.
/// </summary>
public sealed class IPv6DetectorTests
{
    private static readonly IPv6Detector Detector = new();

    /// <summary>The longest address text: six full groups and a dotted quad, 4 × 6 + 6 + 15 = 45 bytes.</summary>
    private const string Longest = "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255";

    private static PiiCandidate Ip(int start, int end) => PiiCandidate.Match(start, end, PiiEntityTypes.IpAddress, PiiConfidence.IpAddress);

    [Test]
    public void Longest_Is45Bytes() => Assert.That(Longest, Has.Length.EqualTo(45));

    [TestCase("ip 2001:db8::1 up", 3, 14, TestName = "Ending in a group after ::")]
    [TestCase("ip 1:2:3:4:5:6:7:: up", 3, 18, TestName = "Ending in :: (seven groups before it)")]
    [TestCase("ip 1:: up", 3, 6, TestName = "One group and a trailing ::")]
    [TestCase("ip ::ffff:192.0.2.255 up", 3, 21, TestName = "IPv4 tail with an octet of 255")]
    [TestCase("ip 2001:db8::1. Next", 3, 14, TestName = "Full stop after it left out")]
    [TestCase("ip 2001:db8::1: next", 3, 14, TestName = "Colon after it left out")]
    public void Match_Address_FromItsFirstByteToItsLast(string text, int start, int end)
        => Assert.That(PiiDetectorProbe.Match(Detector, text, true, ':'), Is.EqualTo(Ip(start, end)));

    [TestCase("ip ::1::2 up", TestName = "Two :: (the first at the start)")]
    [TestCase("ip 1::2::3 up", TestName = "Two :: between groups")]
    [TestCase("ip 1::2:3:4:5:6:7:8 up", TestName = "Eight groups and a :: (more than eight)")]
    [TestCase("ip ::ffff:192.0.2.256 up", TestName = "IPv4 tail with an octet of 256")]
    [TestCase("ip 1:2:3:4:5:6:7:8:9 up", TestName = "Nine groups")]
    [TestCase(".: is no address", TestName = "Only punctuation at the start of the text")]
    [TestCase("ip .: up", TestName = "Only punctuation")]
    public void Match_NotAnAddress_None(string text)
        => Assert.That(PiiDetectorProbe.Match(Detector, text, true, ':'), Is.EqualTo(PiiCandidate.None));

    [Test]
    public void Match_LongestAddress_Found_AlsoBeforeAFullStopOrAColon()
    {
        // "peer " is 5 bytes: the address spans 5..50. INET6_ADDRSTRLEN (46) is this text and its NUL.
        Assert.That(PiiDetectorProbe.Match(Detector, "peer " + Longest + " up", true, ':'), Is.EqualTo(Ip(5, 50)));
        Assert.That(PiiDetectorProbe.Match(Detector, "peer " + Longest + ".", true, ':'), Is.EqualTo(Ip(5, 50)));
        Assert.That(PiiDetectorProbe.Match(Detector, "peer " + Longest + ": up", true, ':'), Is.EqualTo(Ip(5, 50)));
    }

    [Test]
    public void Redact_LongestAddressEndingASentence_RedactedWholeAndInEverySplit()
        => PiiTestEngine.AssertEverySplitRedactsTo("peer " + Longest + ".", "peer [IP_ADDRESS].");

    [TestCase("::", TestName = "Longest and :: after its IPv4 tail (the tail must end the address)")]
    [TestCase(".1", TestName = "Longest and a fifth octet")]
    [TestCase("1", TestName = "Longest with a last octet of 2551")]
    [TestCase(".::", TestName = "Longest, a full stop and ::")]
    public void Match_RunLongerThanTheLongestAddress_None(string after)
        => Assert.That(PiiDetectorProbe.Match(Detector, "peer " + Longest + after + " up", true, ':'), Is.EqualTo(PiiCandidate.None));

    [TestCase("ip 2001:db8:", 3, TestName = "An unfinished address after a space")]
    [TestCase("2001:db8:", 0, TestName = "An unfinished address at the start")]
    [TestCase("ip x2001:db8:", 13, TestName = "Glued to a word: released")]
    [TestCase("ip 2001:db8: ", 13, TestName = "Ended by a space: released")]
    public void TailHold_ChunkEndingInAnAddress_HeldFromItsStart(string text, int expected)
        => Assert.That(PiiDetectorProbe.TailHold(Detector, text), Is.EqualTo(expected));

    [Test]
    public void TailHold_AfterMoreThan46BytesOfProse_StillHeld()
    {
        string text = new string('x', 50) + " 2001:db8:";
        Assert.That(PiiDetectorProbe.TailHold(Detector, text), Is.EqualTo(51));
    }

    [Test]
    public void TailHold_LongestAddressAndPunctuation_Held_RunOneByteLonger_Released()
    {
        Assert.That(PiiDetectorProbe.TailHold(Detector, "ip " + Longest + "."), Is.EqualTo(3));
        // "::" after the dotted quad: no text that follows can make an address of it.
        Assert.That(PiiDetectorProbe.TailHold(Detector, "ip " + Longest + "::"), Is.EqualTo(3 + 47));
    }

    [Test]
    public void TailHold_RunCutByTheFloorAfterAColon_NotHeld_AndNoMatchThere()
    {
        // The tail "2:3" starts at the floor but continues the run "1:" before it: never an address of its own.
        Assert.That(PiiDetectorProbe.TailHold(Detector, "1:2:3", floor: 2), Is.EqualTo(5));
        Assert.That(PiiDetectorProbe.Match(Detector, "1:2:3", true, ':', floor: 2, from: 2), Is.EqualTo(PiiCandidate.None));
    }
}
