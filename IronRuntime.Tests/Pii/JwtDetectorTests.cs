using System.Text;
using IronRuntime.Pii;
using IronRuntime.Pii.Detectors;
using IronRuntime.Pii.Internal;

namespace IronRuntime.Tests.Pii;

/// <summary>
/// JSON Web Tokens (RFC 7519: three base64url segments joined by dots; header and payload JSON objects) asked of the
/// detector directly. The segments are written from their JSON by hand (jwt.io's example token for the valid one).
/// </summary>
public sealed class JwtDetectorTests
{
    private static readonly JwtDetector Detector = new();

    // {"alg":"HS256","typ":"JWT"}: 36 characters.
    private const string Header = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";

    // {"sub":"1234567890","name":"John Doe","iat":1516239022}: 74 characters.
    private const string Payload = "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ";

    // 43 characters.
    private const string Signature = "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

    private const string Token = Header + "." + Payload + "." + Signature; // 155 characters

    [Test]
    public void Match_SignedToken_FromItsFirstByteToItsLast()
        => Assert.That(PiiDetectorProbe.Match(Detector, "token " + Token + " ok", true, 'J'), Is.EqualTo(PiiCandidate.Match(6, 161, PiiEntityTypes.Jwt)));

    [Test]
    public void Match_PayloadLargerThanTheStackBuffer_StillDecoded()
    {
        // {"data":"xxx…"} with 1,000 x: 1,348 characters, decoding to 1,011 bytes (the detector decodes up to 512 on the stack).
        string payload = Convert.ToBase64String(Encoding.ASCII.GetBytes("{\"data\":\"" + new string('x', 1000) + "\"}")).TrimEnd('=');
        Assert.That(payload, Has.Length.EqualTo(1348));
        string text = Header + "." + payload + "." + Signature;
        Assert.That(PiiDetectorProbe.Match(Detector, text, true, 'J'), Is.EqualTo(PiiCandidate.Match(0, 36 + 1 + 1348 + 1 + 43, PiiEntityTypes.Jwt)));
    }

    [Test]
    public void Match_SegmentOf64KiB_Decoded_Longer_None()
    {
        // {"d":"xxx…"}: 49,144 x make 49,152 bytes, exactly 65,536 base64url characters; 3 more x make 65,540.
        string Of(int x) => Convert.ToBase64String(Encoding.ASCII.GetBytes("{\"d\":\"" + new string('x', x) + "\"}")).TrimEnd('=');
        string largest = Of(49_144), larger = Of(49_147);
        Assert.That((largest.Length, larger.Length), Is.EqualTo((65_536, 65_540)));
        Assert.That(PiiDetectorProbe.Match(Detector, Header + "." + largest + "." + Signature, true, 'J'),
            Is.EqualTo(PiiCandidate.Match(0, 36 + 1 + 65_536 + 1 + 43, PiiEntityTypes.Jwt)));
        Assert.That(PiiDetectorProbe.Match(Detector, Header + "." + larger + "." + Signature, true, 'J'), Is.EqualTo(PiiCandidate.None));
    }

    [TestCase("id-" + Token, TestName = "Glued to a dash before it")]
    [TestCase("v1." + Token, TestName = "Glued to a dot before it")]
    [TestCase(Header + "." + Payload, TestName = "Two segments")]
    [TestCase(Token + ".extra", TestName = "Four segments")]
    [TestCase(Header + ".." + Payload, TestName = "Empty payload, then the payload as signature")]
    [TestCase("eyJhb." + Payload + "." + Signature, TestName = "Header not base64url (5 characters)")]
    [TestCase("eyJ." + Payload + "." + Signature, TestName = "Header of 3 characters")]
    [TestCase("eyJhbGciOn0." + Payload + "." + Signature, TestName = "Header {\"alg\":} not JSON")]
    [TestCase("eyJhbGciOiJIUzI1NiI." + Payload + "." + Signature, TestName = "Header {\"alg\":\"HS256\" cut short")]
    [TestCase(Header + ".eyAic3ViIjoiMSJ9." + Signature, TestName = "Payload { \"sub\":\"1\"} not starting eyJ")]
    public void Match_NotAToken_None(string text)
        => Assert.That(PiiDetectorProbe.Match(Detector, text, true, 'J', from: text.IndexOf("eyJ", StringComparison.Ordinal)), Is.EqualTo(PiiCandidate.None));

    [Test]
    public void Match_UnfinishedTextEndingInAToken_NeedMoreUpTo192KiB()
    {
        // A token that could still grow is waited for while it fits three 64 KiB segments.
        string atMost = "x " + "eyJ" + new string('A', (3 * 64 * 1024) - 3);
        Assert.That(PiiDetectorProbe.Match(Detector, atMost, false, 'J'), Is.EqualTo(PiiCandidate.NeedMore(2, PiiEntityTypes.Jwt)));
        Assert.That(PiiDetectorProbe.Match(Detector, atMost + "A", false, 'J'), Is.EqualTo(PiiCandidate.None));
    }

    [TestCase("see e", 4)]
    [TestCase("see ey", 4)]
    [TestCase("e", 0)]
    [TestCase("ey", 0)]
    [TestCase("see ex", 6)]
    [TestCase("see", 3)]
    [TestCase("-e", 2)]
    [TestCase("-ey", 3)]
    public void TailHold_ChunkEndingInTheStartOfEyJ_HeldUnlessGluedToAToken(string text, int expected)
        => Assert.That(PiiDetectorProbe.TailHold(Detector, text), Is.EqualTo(expected));
}
