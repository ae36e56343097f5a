namespace IronRuntime.Tests.Pii;

/// <summary>
/// E-mail local parts with the atext symbols of RFC 5322 §3.2.3 (<c>! $ ' * ^ ` { | } ~</c> beyond <c>._%+-</c>):
/// <c>a!john@example.com</c> is one address, so it is replaced whole, never as <c>a![EMAIL]</c> (which left part of the
/// address in clear, whole text and streamed alike). Expected outputs are written by hand; each is checked on the whole
/// text, one byte at a time and cut in two at every byte, and against the reference model where it models the case.
/// </summary>
public sealed class PiiEmailAtextTests
{
    [TestCase("mail a!john@example.com now", "mail [EMAIL] now", TestName = "Bang inside the local part")]
    [TestCase("mailto:a!john@example.com", "mailto:[EMAIL]", TestName = "mailto: then a bang")]
    [TestCase("write to o'brien@example.com.", "write to [EMAIL].", TestName = "Apostrophe inside the local part")]
    [TestCase("to a$b*c^d`e{f|g}h~i@example.com", "to [EMAIL]", TestName = "Every other symbol inside the local part")]
    [TestCase("x a.!b@example.com", "x [EMAIL]", TestName = "A symbol after a dot")]
    [TestCase("https://a!john@example.com", "https://[EMAIL]", TestName = "URL user holding a symbol: an address")]
    [TestCase("see https://a!john@example.com/x ok", "see https://[EMAIL]/x ok", TestName = "URL user holding a symbol, with a path")]
    public void Redact_SymbolInsideTheLocalPart_WholeAddress(string text, string expected) => AssertRedacts(text, expected, reference: true);

    [TestCase("'john@example.com'", "'[EMAIL]'", TestName = "Quotes")]
    [TestCase("**john@example.com**", "**[EMAIL]**", TestName = "Markdown bold")]
    [TestCase("`john@example.com`", "`[EMAIL]`", TestName = "Markdown code")]
    [TestCase("{john@example.com}", "{[EMAIL]}", TestName = "Braces")]
    [TestCase("| john |~'john@example.com|", "| john |~'[EMAIL]|", TestName = "Symbols and a dot-free run before the address")]
    [TestCase("(.'john@example.com", "(.'[EMAIL]", TestName = "A dot and a quote before the address")]
    public void Redact_SymbolsBeforeTheLocalPart_Punctuation(string text, string expected) => AssertRedacts(text, expected, reference: true);

    /// <summary>The URL and query delimiters <c>/ ? # = &amp;</c> are atext too, but here they end a local part: the address after them is replaced and what comes before stays.</summary>
    [TestCase("?email=john@example.com", "?email=[EMAIL]", TestName = "Query parameter")]
    [TestCase("https://example.com/u/john@example.com", "https://example.com/u/[EMAIL]", TestName = "Path segment of a URL")]
    [TestCase("https://example.com?email=john@example.com&x=1", "https://example.com?email=[EMAIL]&x=1", TestName = "Query of a URL")]
    [TestCase("https://example.com#john@example.com", "https://example.com#[EMAIL]", TestName = "Fragment of a URL")]
    [TestCase("mailto:a@x.io?cc=jane@example.com", "mailto:[EMAIL]?cc=[EMAIL]", TestName = "mailto: with a cc")]
    public void Redact_UrlDelimiterBeforeTheAddress_AddressOnly(string text, string expected) => AssertRedacts(text, expected, reference: true);

    /// <summary>A URL's user without symbols stays (Sentry keys, service users); <c>user:password@</c> is the password detector's, symbols or not.</summary>
    [TestCase("https://ajohn@example.com", "https://ajohn@example.com", TestName = "URL user without a symbol")]
    [TestCase("https://abc@o1.ingest.sentry.io/4504", "https://abc@o1.ingest.sentry.io/4504", TestName = "Sentry DSN")]
    [TestCase("https://user:a!john@example.com", "https://user:[SECRET]@example.com", TestName = "Password holding a symbol")]
    [TestCase("https://a!b:pw9Xq2@example.com", "https://a!b:[SECRET]@example.com", TestName = "User holding a symbol, then a password")]
    [TestCase("redis://:s3cr3t-Pw@cache.example.com", "redis://:[SECRET]@cache.example.com", TestName = "Password with an empty user")]
    public void Redact_UrlUserInformation_UserStaysPasswordReplaced(string text, string expected) => AssertRedacts(text, expected, reference: true);

    /// <summary>A symbol right before the <c>@</c> makes no address (a template); one alone is no local part.</summary>
    [TestCase("format {name}@example.com", TestName = "Template in braces")]
    [TestCase("format {first}.{last}@example.com", TestName = "Template of two names")]
    [TestCase("send to ${USER}@example.com", TestName = "Shell variable")]
    [TestCase("a john!@example.com", TestName = "Bang before the at sign")]
    [TestCase("a !@example.com", TestName = "A bang alone")]
    [TestCase("a jo!..hn@example.com", TestName = "Doubled dot after a symbol")]
    public void Redact_SymbolEndingTheLocalPart_NoAddress(string text) => AssertRedacts(text, text, reference: true);

    /// <summary>
    /// An address right after a value found before it (a run of local-part characters that began in decided text) is
    /// read from after the first punctuation character: before, the one after a dash was left in clear. The reference
    /// model reads these runs as one address from the value's start (leftmost longest), so it is not asked here.
    /// </summary>
    [TestCase("123-45-6789!john@example.com", "[SSN]![EMAIL]", TestName = "SSN, bang, address")]
    [TestCase("123-45-6789-john@example.com", "[SSN]-[EMAIL]", TestName = "SSN, dash, address")]
    [TestCase("8.8.8.8.a!john@example.com", "[IP_ADDRESS].[EMAIL]", TestName = "IPv4, dot, address with a bang")]
    [TestCase("123-45-6789-jo..hn@example.com", "[SSN]-jo..hn@example.com", TestName = "SSN, dash, no dot-atom")]
    public void Redact_AddressRightAfterAValue_Replaced(string text, string expected) => AssertRedacts(text, expected, reference: false);

    /// <summary>A run longer than a local part (64 octets, RFC 5321 §4.5.3.1.1) is no address; the part after its first punctuation within 64 octets of the <c>@</c> is.</summary>
    [Test]
    public void Redact_RunLongerThanALocalPart_ReadFromItsPunctuation()
    {
        string x70 = new('x', 70);
        AssertRedacts(x70 + "@example.com ok", x70 + "@example.com ok", reference: true);
        AssertRedacts(x70 + "!john@example.com ok", x70 + "![EMAIL] ok", reference: true);
        AssertRedacts(x70 + "-a!b-c@example.com ok", x70 + "-[EMAIL] ok", reference: true);
    }

    private static void AssertRedacts(string text, string expected, bool reference)
    {
        if (reference)
        {
            Assert.That(PiiReferenceModel.Redact(text), Is.EqualTo(expected), "reference model");
        }

        PiiTestEngine.AssertWholeAndEverySplitRedactTo(text, expected);
    }
}
