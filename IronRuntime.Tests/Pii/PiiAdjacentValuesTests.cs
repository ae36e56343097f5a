namespace IronRuntime.Tests.Pii;

/// <summary>
/// Numeric values side by side, one space apart: each is its own value (the digit group after a value that ended
/// there starts a run of its own), whole text and every split alike.
/// </summary>
public sealed class PiiAdjacentValuesTests
{
    [TestCase("cards 4111111111111111 5555555555554444 on file", "cards [CREDIT_CARD] [CREDIT_CARD] on file")]
    [TestCase("cards 4111-1111-1111-1111 5555-5555-5555-4444.", "cards [CREDIT_CARD] [CREDIT_CARD].")]
    [TestCase("4111111111111111 5555555555554444 378282246310005 end", "[CREDIT_CARD] [CREDIT_CARD] [CREDIT_CARD] end")]
    [TestCase("card 4111111111111111 415-555-0132 call", "card [CREDIT_CARD] [PHONE] call")]
    [TestCase("card 4111111111111111 (415) 555-0132", "card [CREDIT_CARD] [PHONE]")]
    [TestCase("ssn 078-05-1120 4111111111111111 ok", "ssn [SSN] [CREDIT_CARD] ok")]
    [TestCase("host 192.168.1.20 5555555555554444 ok", "host [IP_ADDRESS] [CREDIT_CARD] ok")]
    [TestCase("tel 415-555-0132 5555555555554444", "tel [PHONE] [CREDIT_CARD]")]
    public void Redact_ValueSpaceValue_BothRedacted(string text, string expected)
    {
        Assert.That(PiiTestEngine.RedactWhole(text), Is.EqualTo(expected));
        Assert.That(PiiReferenceModel.Redact(text), Is.EqualTo(expected), "reference model");
        PiiTestEngine.AssertEverySplitRedactsTo(text, expected);
    }

    [TestCase("tel 415-555-0132 5 rings", "tel [PHONE] 5 rings")]
    [TestCase("card 4111111111111111 5 left", "card [CREDIT_CARD] 5 left")]
    [TestCase("ids 5 4111111111111111 end", "ids 5 4111111111111111 end")]
    [TestCase("ref 4111111111111111-5555555555554444", "ref 4111111111111111-5555555555554444")]
    [TestCase("x4111111111111111 5555555555554444", "x4111111111111111 5555555555554444")]
    [TestCase("cards 4111 1111 1111 1111 5555 5555 5555 4444.", "cards 4111 1111 1111 1111 5555 5555 5555 4444.")]
    public void Redact_DigitsAfterNoValueOrTrailingDigit_RunRulesKept(string text, string expected)
    {
        // A trailing digit that is no value is not a match; a group after a run that held no value (a lone 5, a run
        // glued to a word) or after a dash (no value ends before a dash) still continues that run. Space-grouped cards
        // side by side stay one run of eight groups: every group joined by the same separator belongs to a spaced
        // card, so the run is no card (a stated rule of the card format, not this one).
        Assert.That(PiiTestEngine.RedactWhole(text), Is.EqualTo(expected));
        Assert.That(PiiReferenceModel.Redact(text), Is.EqualTo(expected), "reference model");
        PiiTestEngine.AssertEverySplitRedactsTo(text, expected);
    }

    [Test]
    public void Find_CardSpaceCard_TwoCardsWithTheirValues()
    {
        var found = PiiTestEngine.Find("cards 4111111111111111 5555555555554444 on file");
        Assert.That(found, Is.EqualTo(new[] { ("CREDIT_CARD", "4111111111111111"), ("CREDIT_CARD", "5555555555554444") }));
    }
}
