using IronRuntime.Pii;
using IronRuntime.Pii.Detectors;
using IronRuntime.Pii.Internal;

namespace IronRuntime.Tests.Pii;

/// <summary>
/// PEM private-key blocks (RFC 7468: <c>-----BEGIN label-----</c>, exactly five hyphens each side, a base64 body, the
/// matching <c>-----END label-----</c> line) asked of the detector directly: labels up to 48 characters at the BEGIN
/// and the END line, a BEGIN line alone or cut short, an END line that shares the BEGIN line's dashes, cut within its
/// label or missing its dashes, the trailing whitespace left out of a block, and the 64 KiB cap on a block.
/// Offsets are counted by hand from the texts (<c>-----BEGIN RSA PRIVATE KEY-----</c> is 5 + 6 + 15 + 5 = 31 bytes).
/// </summary>
public sealed class PemPrivateKeyDetectorTests
{
    private static readonly PemPrivateKeyDetector Detector = new();

    private const string BeginRsa = "-----BEGIN RSA PRIVATE KEY-----"; // 31
    private const string EndRsa = "-----END RSA PRIVATE KEY-----"; // 29
    private const int Cap = 64 * 1024;

    private static PiiCandidate Key(int start, int end) => PiiCandidate.Match(start, end, PiiEntityTypes.PrivateKey);

    [Test]
    public void Match_Block_FromBeginToEndLine()
    {
        string block = BeginRsa + "\nMIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi+\nZ1bKsL0w==\n" + EndRsa;
        Assert.That(PiiDetectorProbe.Match(Detector, "k: " + block + "\nnext", true, '-'), Is.EqualTo(Key(3, 3 + block.Length)));
    }

    /// <summary>
    /// RFC 7468's boundaries have five hyphens, but a key pasted with six (or up to 21) is still a key: the block starts
    /// at the run's first dash and takes the END line's extra dashes; a dash inside the run starts nothing; 22 dashes
    /// are no BEGIN line.
    /// </summary>
    [TestCase(1, 0, 3 + (4 * 1) + 31 + 6 + 29)]
    [TestCase(1, 4, -1)]
    [TestCase(16, 0, 3 + (4 * 16) + 31 + 6 + 29)]
    [TestCase(17, 0, -1)]
    public void Match_MoreThanFiveDashes_FromTheFirstDash(int extra, int from, int end)
    {
        string dashes = new('-', extra);
        string text = "k: " + dashes + BeginRsa + dashes + "\nMIIE\n" + dashes + EndRsa + dashes + "\nnext";
        Assert.That(PiiDetectorProbe.Match(Detector, text, true, '-', from: from), Is.EqualTo(end < 0 ? PiiCandidate.None : Key(3, end)));
    }

    /// <summary>
    /// Dashes past an END line's five that end the text are waited for; once final, they belong to the block. A byte
    /// after them, or the 16th extra dash, ends the block at once, final or not.
    /// </summary>
    [TestCase("--", false, -1)]
    [TestCase("--", true, 3 + 31 + 6 + 29 + 2)]
    [TestCase("", false, -1)]
    [TestCase("\nok", false, 3 + 31 + 6 + 29)]
    [TestCase("-\nok", false, 3 + 31 + 6 + 29 + 1)]
    [TestCase("----------------", false, 3 + 31 + 6 + 29 + 16)]
    [TestCase("-----------------", false, 3 + 31 + 6 + 29 + 16)]
    public void Match_EndLinesExtraDashes(string after, bool isFinal, int end)
        => Assert.That(
            PiiDetectorProbe.Match(Detector, "k: " + BeginRsa + "\nMIIE\n" + EndRsa + after, isFinal, '-'),
            Is.EqualTo(end < 0 ? PiiCandidate.NeedMore(3, PiiEntityTypes.PrivateKey) : Key(3, end)));

    /// <summary>A run of more than five dashes cut short before its BEGIN is waited for from its first dash.</summary>
    [TestCase("------BEGIN RSA PRIV")]
    [TestCase("-------")]
    public void Match_LongerDashRunCutShort_WaitedForFromItsFirstDash(string text)
        => Assert.That(PiiDetectorProbe.Match(Detector, "k: " + text, false, '-'), Is.EqualTo(PiiCandidate.NeedMore(3, PiiEntityTypes.PrivateKey)));

    /// <summary>An END line with an empty label (<c>-----END-----</c>) still closes the block.</summary>
    [Test]
    public void Match_EndLineWithEmptyLabel_ClosesTheBlock()
        => Assert.That(PiiDetectorProbe.Match(Detector, "k: " + BeginRsa + "\nMIIE\n-----END----- tail", true, '-'), Is.EqualTo(Key(3, 3 + 31 + 6 + 13)));

    /// <summary>A label of 48 characters (36 X and " PRIVATE KEY") is read at both lines; 49 is no BEGIN line.</summary>
    [Test]
    public void Match_LabelOf48_Found_49_None()
    {
        string label48 = new string('X', 36) + " PRIVATE KEY";
        string label49 = "X" + label48;
        Assert.That(label48, Has.Length.EqualTo(48));
        string block = "-----BEGIN " + label48 + "-----\nMIIE\n-----END " + label48 + "-----";
        Assert.That(PiiDetectorProbe.Match(Detector, "k: " + block, true, '-'), Is.EqualTo(Key(3, 3 + 16 + 48 + 6 + 9 + 48 + 5)));
        Assert.That(block, Has.Length.EqualTo(16 + 48 + 6 + 9 + 48 + 5));
        Assert.That(PiiDetectorProbe.Match(Detector, "k: -----BEGIN " + label49 + "-----\nMIIE\n-----END " + label49 + "-----", true, '-'), Is.EqualTo(PiiCandidate.None));
    }

    /// <summary>A BEGIN line that ends the text: the whole of it once the text is final (fail safe), waited for before; trailing whitespace is not part of it.</summary>
    [TestCase("", true, 34)]
    [TestCase("\n", true, 34)]
    [TestCase(" \r\n\t", true, 34)]
    [TestCase("", false, -1)]
    public void Match_BeginLineEndingTheText(string after, bool isFinal, int end)
        => Assert.That(
            PiiDetectorProbe.Match(Detector, "k: " + BeginRsa + after, isFinal, '-'),
            Is.EqualTo(end < 0 ? PiiCandidate.NeedMore(3, PiiEntityTypes.PrivateKey) : Key(3, end)));

    /// <summary>A BEGIN line cut within its label or closing dashes is waited for; one whose dashes are broken is not a BEGIN line.</summary>
    [TestCase("-----BEGIN RSA PRIVATE KEY", false, true)]
    [TestCase("-----BEGIN RSA PRIVATE KEY--", false, true)]
    [TestCase("-----BEGIN RSA PRIVATE KEY----", false, true)]
    [TestCase("-----BEGIN RSA PRIVATE KEY--", true, false)]
    [TestCase("-----BEGIN RSA PRIVATE KEY-x", false, false)]
    [TestCase("-----BEGIN RSA PRIVATE KEY--x-", false, false)]
    [TestCase("-----BEGIN RSA PRIVATE KEY!", false, false)]
    public void Match_BeginLineCutShort(string text, bool isFinal, bool waits)
        => Assert.That(PiiDetectorProbe.Match(Detector, text, isFinal, '-'), Is.EqualTo(waits ? PiiCandidate.NeedMore(0, PiiEntityTypes.PrivateKey) : PiiCandidate.None));

    /// <summary>
    /// The END line has dashes of its own: with ten dashes between the labels the block ends at the END line; with
    /// five, shared by both lines, there is no END line, so the block runs on to where its body stops (the exclamation mark).
    /// </summary>
    [Test]
    public void Match_EndLineSharingTheBeginLinesDashes_BlockRunsToWhereTheBodyStops()
    {
        string own = BeginRsa + EndRsa;
        Assert.That(PiiDetectorProbe.Match(Detector, "k: " + own + " and more. Next", true, '-'), Is.EqualTo(Key(3, 3 + 31 + 29)));
        string shared = BeginRsa + "END RSA PRIVATE KEY----- and more";
        Assert.That(PiiDetectorProbe.Match(Detector, "k: " + shared + "! Next", true, '-'), Is.EqualTo(Key(3, 3 + 31 + 24 + 9)));
    }

    /// <summary>
    /// An END line without closing dashes within a label's length (" " + 48 + "-----" = 54 bytes after <c>-----END</c>):
    /// once 54 bytes have come (or the text is final) the block ends before the END line; fewer are waited for.
    /// </summary>
    [TestCase(53, false, false)]
    [TestCase(52, false, true)]
    [TestCase(52, true, false)]
    [TestCase(3, true, false)]
    public void Match_EndLineWithoutDashes(int letters, bool isFinal, bool waits)
    {
        string text = "k: " + BeginRsa + "\nMIIE\n-----END " + new string('A', letters);
        Assert.That(
            PiiDetectorProbe.Match(Detector, text, isFinal, '-'),
            Is.EqualTo(waits ? PiiCandidate.NeedMore(3, PiiEntityTypes.PrivateKey) : Key(3, 3 + 31 + 1 + 4)));
    }

    /// <summary>A block is at most 64 KiB from its first dash: a longer body is cut there, final or not.</summary>
    [TestCase(true)]
    [TestCase(false)]
    public void Match_BodyPastTheCap_CutAt64KiB(bool isFinal)
        => Assert.That(PiiDetectorProbe.Match(Detector, "k: " + BeginRsa + "\n" + new string('A', 70_000), isFinal, '-'), Is.EqualTo(Key(3, 3 + Cap)));

    /// <summary>An END line that starts 4 bytes before the cap ends the block (past the cap); cut by the chunk end after "-----EN", it is waited for.</summary>
    [Test]
    public void Match_EndLineStartingJustBeforeTheCap()
    {
        string head = "k: " + BeginRsa + "\n" + new string('A', Cap - 4 - 32);
        Assert.That(head.Length - 3, Is.EqualTo(Cap - 4), "-----END starts 4 bytes before the cap");
        Assert.That(PiiDetectorProbe.Match(Detector, head + "-----EN", false, '-'), Is.EqualTo(PiiCandidate.NeedMore(3, PiiEntityTypes.PrivateKey)));
        Assert.That(PiiDetectorProbe.Match(Detector, head + EndRsa + " done", true, '-'), Is.EqualTo(Key(3, 3 + Cap - 4 + 29)));
    }
}
