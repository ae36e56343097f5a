using IronRuntime.Pii;

namespace IronRuntime.Tests.Pii;

/// <summary>Each built-in detector: positives in the formats it accepts, and the hard negatives it must not fire on.</summary>
public sealed class PiiDetectorTests
{
    [TestCase("Write to john.smith@example.com today.", "john.smith@example.com")]
    [TestCase("jane_doe+tag@mail.co.uk", "jane_doe+tag@mail.co.uk")]
    [TestCase("<a.b-c%d@sub.example-site.org>", "a.b-c%d@sub.example-site.org")]
    [TestCase("mail: X@Y.IO.", "X@Y.IO")]
    public void Email_Valid_Found(string text, string value) => AssertFinds(text, PiiEntityTypes.Email, value);

    [TestCase("john at example dot com")]
    [TestCase("follow @johnsmith on social")]
    [TestCase("user@localhost is local")]
    [TestCase("a..b@example.com")]
    [TestCase("name@example.c0m")]
    [TestCase("git@ rebase")]
    public void Email_Invalid_NotFound(string text) => AssertNone(text, PiiEntityTypes.Email);

    [TestCase("Call (415) 555-0132 now", "(415) 555-0132")]
    [TestCase("Call 415-555-0132.", "415-555-0132")]
    [TestCase("Call 415.555.0132", "415.555.0132")]
    [TestCase("Call 415 555 0132 please", "415 555 0132")]
    [TestCase("Call 1-800-555-0199", "1-800-555-0199")]
    [TestCase("Call +1 (415) 555-0132", "+1 (415) 555-0132")]
    [TestCase("UK office +44 20 7946 0958.", "+44 20 7946 0958")]
    [TestCase("Berlin +49 30 1234567", "+49 30 1234567")]
    [TestCase("Paris +33 1 23 45 67 89", "+33 1 23 45 67 89")]
    [TestCase("E.164 +14155550132", "+14155550132")]
    [TestCase("Phone: 415-555-0132 5 times", "415-555-0132")]
    public void Phone_Valid_Found(string text, string value) => AssertFinds(text, PiiEntityTypes.Phone, value);

    [TestCase("Order number 4155550132 shipped")]
    [TestCase("Released on 2024-01-15 at 12:30:00")]
    [TestCase("version 1.2.3 and 10.0.19041")]
    [TestCase("ISBN 978-0-306-40615-7")]
    [TestCase("area 123-456-7890 invalid area code")]
    [TestCase("ticket 415-555-01321")]
    public void Phone_Invalid_NotFound(string text) => AssertNone(text, PiiEntityTypes.Phone);

    [TestCase("SSN 123-45-6789.", "123-45-6789")]
    [TestCase("ssn: 078 05 1120", "078 05 1120")]
    public void Ssn_Valid_Found(string text, string value) => AssertFinds(text, PiiEntityTypes.Ssn, value);

    [TestCase("SSN 000-12-3456")]
    [TestCase("SSN 666-12-3456")]
    [TestCase("SSN 900-12-3456")]
    [TestCase("SSN 123-00-4567")]
    [TestCase("SSN 123-45-0000")]
    [TestCase("SSN 123-45-6789-1")]
    [TestCase("id 123456789")]
    public void Ssn_Invalid_NotFound(string text) => AssertNone(text, PiiEntityTypes.Ssn);

    [TestCase("Card 4111 1111 1111 1111 exp", "4111 1111 1111 1111")]
    [TestCase("Card 4111-1111-1111-1111", "4111-1111-1111-1111")]
    [TestCase("Card 5555555555554444.", "5555555555554444")]
    [TestCase("Amex 3782 822463 10005", "3782 822463 10005")]
    [TestCase("Visa 4222222222222 (13)", "4222222222222")]
    [TestCase("card 6011 1111 1111 1117, exp 2027", "6011 1111 1111 1117")]
    [TestCase("card 4111-1111-1111-1111 2027", "4111-1111-1111-1111")]
    public void Card_Valid_Found(string text, string value) => AssertFinds(text, PiiEntityTypes.CreditCard, value);

    [TestCase("Card 4111 1111 1111 1112")]
    [TestCase("Order 1234567890123456")]
    [TestCase("tracking 9400111899223197428490")]
    [TestCase("ts 1700000000000")]
    [TestCase("Card 4111 1111 1111 1111 1111")]
    [TestCase("uuid 123e4567-e89b-12d3-a456-426614174000")]
    public void Card_Invalid_NotFound(string text) => AssertNone(text, PiiEntityTypes.CreditCard);

    [TestCase("IBAN DE89 3704 0044 0532 0130 00.", "DE89 3704 0044 0532 0130 00")]
    [TestCase("IBAN DE89370400440532013000", "DE89370400440532013000")]
    [TestCase("pay GB82WEST12345698765432 now", "GB82WEST12345698765432")]
    [TestCase("pay GB82 WEST 1234 5698 7654 32", "GB82 WEST 1234 5698 7654 32")]
    [TestCase("FR14 2004 1010 0505 0001 3M02 606", "FR14 2004 1010 0505 0001 3M02 606")]
    [TestCase("NO9386011117947", "NO9386011117947")]
    public void Iban_Valid_Found(string text, string value) => AssertFinds(text, PiiEntityTypes.Iban, value);

    [TestCase("IBAN DE89 3704 0044 0532 0130 01")]
    [TestCase("IBAN DE8937040044053201300")]
    [TestCase("code XX89370400440532013000")]
    [TestCase("sku AB12 in stock")]
    public void Iban_Invalid_NotFound(string text) => AssertNone(text, PiiEntityTypes.Iban);

    [TestCase("host 192.168.1.20 is up", "192.168.1.20")]
    [TestCase("at 8.8.8.8.", "8.8.8.8")]
    [TestCase("v6 2001:db8::8a2e:370:7334 here", "2001:db8::8a2e:370:7334")]
    [TestCase("loopback ::1.", "::1")]
    [TestCase("link fe80::1ff:fe23:4567:890a%eth0", "fe80::1ff:fe23:4567:890a")]
    [TestCase("full 2001:0db8:85a3:0000:0000:8a2e:0370:7334", "2001:0db8:85a3:0000:0000:8a2e:0370:7334")]
    [TestCase("mapped ::ffff:192.0.2.128", "::ffff:192.0.2.128")]
    public void IpAddress_Valid_Found(string text, string value) => AssertFinds(text, PiiEntityTypes.IpAddress, value);

    [TestCase("version 1.2.3.4.5")]
    [TestCase("octet 256.1.1.1")]
    [TestCase("at 12:30:45")]
    [TestCase("mac 00:1A:2B:3C:4D:5E")]
    [TestCase("std::vector<int>")]
    [TestCase("dead::beef")]
    [TestCase("v01.02.03.04")]
    public void IpAddress_Invalid_NotFound(string text) => AssertNone(text, PiiEntityTypes.IpAddress);

    [TestCase("key sk-proj-Ab3dEf5gHi7jKl9mNo1pQr3sTu5vWx7yZa9bCd1eFg3hIj5kLm7nOp9qRs1tUv3wXy5zA", PiiEntityTypes.OpenAIKey)]
    [TestCase("key sk-abcdefghij1234567890ABCDEFGHIJ1234567890abcdefgh", PiiEntityTypes.OpenAIKey)]
    [TestCase("key sk-svcacct-Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0FeDcBa", PiiEntityTypes.OpenAIKey)]
    [TestCase("key sk-ant-api03-Ab3dEf5gHi7jKl9mNo1pQr3sTu5vWx7yZa9bCd1eFg3hIj5kLm7nOp-AA", PiiEntityTypes.AnthropicKey)]
    [TestCase("aws AKIAIOSFODNN7EXAMPLE", PiiEntityTypes.AwsAccessKey)]
    [TestCase("aws ASIAY34FZKBOKMUTVV7A.", PiiEntityTypes.AwsAccessKey)]
    [TestCase("gh 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", PiiEntityTypes.GitHubToken)]
    [TestCase("gh 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", PiiEntityTypes.GitHubToken)]
    [TestCase("gh github_pat_11ABCDEFG0123456789abc_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVW", PiiEntityTypes.GitHubToken)]
    [TestCase("slack xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx", PiiEntityTypes.SlackToken)]
    [TestCase("stripe sk_live_51H8abcdefGHIJKLmnopQRSTuv0123", PiiEntityTypes.StripeKey)]
    [TestCase("stripe rk_test_4eC39HqLyjWDarjtT1zdp7dc", PiiEntityTypes.StripeKey)]
    [TestCase("jwt eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c.", PiiEntityTypes.Jwt)]
    public void Secret_Valid_Found(string text, string type)
    {
        var found = PiiTestEngine.Find(text);
        Assert.That(found.Select(f => f.Type), Is.EqualTo(new[] { type }), text);
        Assert.That(text, Does.Contain(found[0].Value));
        Assert.That(found[0].Value, Does.Not.EndWith("."));
    }

    [TestCase("Use the sk- prefix for OpenAI keys.")]
    [TestCase("We use sk-learn and sk-image for ML.")]
    [TestCase("keys look like sk-... and sk-proj-...")]
    [TestCase("a-sk-abcdefghij1234567890ABCDEFGHIJ")]
    [TestCase("gh ghp_aB7cD8eF9gH0jK1mN2pQ3rS4tU5vW6zzzzzz")]
    [TestCase("gh ghp_short")]
    [TestCase("AKIA is the prefix of AWS keys; AKIAEXAMPLE is too short")]
    [TestCase("xoxb- tokens are Slack bot tokens")]
    [TestCase("eyJ is how base64 JSON starts: eyJhbGciOi.notjson.sig")]
    [TestCase("sk_live_ keys are secret")]
    [TestCase("task-force and risk-free desk-top")]
    public void Secret_Prose_NotFound(string text) => Assert.That(PiiTestEngine.Find(text), Is.Empty);

    [Test]
    public void PrivateKey_PemBlock_FoundWhole()
    {
        string pem = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nMIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi+\nZ1bKsL0w==\n-----END RSA PRIVATE KEY-----";
        var found = PiiTestEngine.Find("Here:\n" + pem + "\nThanks!");
        Assert.That(found, Is.EqualTo(new[] { (PiiEntityTypes.PrivateKey, pem) }));
    }

    [Test]
    public void PrivateKey_Unterminated_RedactedToBodyEnd()
    {
        Assert.That(PiiTestEngine.RedactWhole("k: -----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\nkqhkiG9w0BAQEF!"), Is.EqualTo("k: [PRIVATE_KEY]!"));
    }

    [Test]
    public void PrivateKey_PublicKeyOrCertificate_NotFound()
    {
        Assert.That(PiiTestEngine.Find("-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkq\n-----END PUBLIC KEY-----"), Is.Empty);
        Assert.That(PiiTestEngine.Find("-----BEGIN CERTIFICATE-----\nMIIBIjANBgkq\n-----END CERTIFICATE-----"), Is.Empty);
    }

    [Test]
    public void Redact_MixedText_ReplacesEachValueWithItsMarker()
    {
        string text = "Mail bob@example.org or call (212) 555-0100; card 4242 4242 4242 4242, ip 10.0.0.1.";
        Assert.That(PiiTestEngine.RedactWhole(text), Is.EqualTo("Mail [EMAIL] or call [PHONE]; card [CREDIT_CARD], ip [IP_ADDRESS]."));
    }

    [Test]
    public void Scan_EntityOff_NotFound()
    {
        var options = new PiiOptions();
        options.Entities["EMAIL"] = false;
        var engine = new IronRuntime.Pii.Internal.PiiEngine(options, []);
        Assert.That(PiiTestEngine.Find("a@b.com 123-45-6789", engine), Is.EqualTo(new[] { (PiiEntityTypes.Ssn, "123-45-6789") }));
    }

    private static void AssertFinds(string text, string type, string value)
        => Assert.That(PiiTestEngine.Find(text), Is.EqualTo(new[] { (type, value) }), text);

    private static void AssertNone(string text, string type)
        => Assert.That(PiiTestEngine.Find(text).Where(f => f.Type == type), Is.Empty, text);
}
