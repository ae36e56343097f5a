using IronRuntime.Pii;

namespace IronRuntime.Tests.Pii;

/// <summary>
/// The edges of each phone format: the shortest and longest numbers a format takes, the separators it accepts, the
/// groups it stops before, and the label that lifts bare digit groups. Numbers are built by hand from the formats'
/// rules (libphonenumber's metadata: country code, leading digit and length of the national number; the North
/// American 3-3-4 plan with area code and exchange 2–9; Chinese mobiles 1[3-9]x 4 4) and the confidences from the
/// documented scores (international 0.95, outside the table 0.7, North American 0.8, national 0.75, groups after a
/// label 0.35 + 0.35).
/// </summary>
public sealed class PiiPhoneBoundaryTests
{
    [TestCase("call 001 201 555 0123", "001 201 555 0123", 0.95)] // 00 prefix, first group of exactly three digits: US
    [TestCase("Fax 0/0049 30 1234567", "0049 30 1234567", 0.95)] // a '0' two bytes before the 00 prefix is not part of it
    [TestCase("Wien +43 1 2345", "+43 1 2345", 0.95)] // AT: NSN 1 + 4 digits, 7 digits with the country code (the minimum)
    [TestCase("call +1 2015550123 now", "+1 2015550123", 0.95)] // US: country code, then the national number in one group
    [TestCase("call +44 7911123456 now", "+44 7911123456", 0.95)] // GB mobile written the same way
    [TestCase("Büro +49 30 12345678", "+49 30 12345678", 0.95)] // DE: a later group of 8 digits, the longest taken
    [TestCase("Kyiv +380 44 123", "+380 44 123", 0.7)] // outside the table: 8 digits, the minimum
    [TestCase("Kyiv +380 44 123 4567 890", "+380 44 123 4567 890", 0.7)] // outside the table: 15 digits, the maximum
    [TestCase("Kyiv +380 44 123 4567 8901", "+380 44 123 4567", 0.7)] // a 16th digit is not taken: the number ends before
    [TestCase("Büro (030 853614)", "030 853614", 0.75)] // '(' without its ')' after the area code: a bare national number
    [TestCase("Nr. 139 1099 8888", "139 1099 8888", 0.75)] // CN mobile 1[3-9]x 4 4 without a label
    [TestCase("Nr. 130 1234 5678", "130 1234 5678", 0.75)] // CN mobile, 130 (China Unicom): the lowest second digit 3
    [TestCase("Nr. 139-1099-8888", "139-1099-8888", 0.75)] // CN mobile with dashes
    [TestCase("Москва 8 (495) 1234567", "8 (495) 1234567", 0.75)] // RU trunk 8 with three groups
    [TestCase("Büro 030 12 34 56 78 90 12", "030 12 34 56 78", 0.75)] // national: 12 digits at most (11 here), a 13th group is not taken
    [TestCase("call 415 555 0132 77", "415 555 0132", 0.8)] // a fourth group after a 3-3-4 number is not part of it
    [TestCase("call 415-255-0132", "415-255-0132", 0.8)] // exchange starting 2, the lowest allowed
    [TestCase("call 1 (415) 555-0132", "1 (415) 555-0132", 0.8)] // leading 1, area code in parentheses
    [TestCase("Tel:2345 6789", "2345 6789", 0.7)] // label glued by ':' only; two groups
    [TestCase("Tel.: 234 5678", "234 5678", 0.7)] // 7 digits, the fewest after a label
    [TestCase("Tel.: 2345 67890", "2345 67890", 0.7)] // a group of five digits, the longest after a label
    [TestCase("Tel.: 2345 6789 0123", "2345 6789 0123", 0.7)] // 12 digits, the most after a label
    [TestCase("Tel.: 2345 6789 0123 45", "2345 6789 0123", 0.7)] // a 13th digit is not taken
    public void Find_NumberAtAFormatsEdge_PhoneWithItsConfidence(string text, string value, double confidence)
    {
        Assert.That(PiiTestEngine.Find(text), Is.EqualTo(new[] { (PiiEntityTypes.Phone, value) }), text);
        PiiFinding found = PiiScanner.Create().Find(text).Single();
        Assert.That(found.Confidence, Is.EqualTo(confidence).Within(1e-9), text);
    }

    [TestCase("call +044 20 7946 0958")] // a country code never starts with 0
    [TestCase("call +1 2 3 4 5 6 7 8")] // eight one-digit groups: no US number (10-digit NSN), and nothing read past them
    [TestCase("ref +44 20 7946 0958-1234567")] // a valid GB number glued by '-' to more digits is part of something else
    [TestCase("call +49 30 123456789")] // a group of more than 8 digits after the area code is not a phone group
    [TestCase("Nr. 0 30 853614")] // a lone trunk 0 is not an area code
    [TestCase("Nr. (123) 4567 8901")] // a three-digit area code in parentheses starting 1: neither North American nor BR/MX
    [TestCase("Nr. 139.1099.8888")] // CN mobiles are written with spaces or dashes, not dots
    [TestCase("Nr. 139 1099-8888")] // mixed separators
    [TestCase("Nr. 139 1099 888")] // 3-4-3: one digit short
    [TestCase("Nr. 139 10999 8888")] // 3-5-4: one digit long
    [TestCase("Nr. 139 1099 8888-1")] // glued to more digits
    [TestCase("call 415 555 0132-9")]
    [TestCase("Nr. 030 12-34 5678")] // national: the separators after the area code's must all be the same
    [TestCase("Москва 8 (495) 123-45 67")] // RU: the same, after the area code's parentheses
    [TestCase("Nr. 030 1 2345678")] // national: a one-digit group is not a phone group // a 3-3-4 number glued by '-' to more digits
    [TestCase("Tel.: 2345 678901")] // a six-digit group is not a phone group
    [TestCase("Tel.: 23 45")] // 4 digits: too few even after a label
    [TestCase("Tel.:   2345 6789")] // the label is five separators away (at most four count): groups alone stay
    public void Find_NumberOutsideEveryFormat_NoPhone(string text)
        => Assert.That(PiiTestEngine.Find(text).Where(f => f.Type == PiiEntityTypes.Phone), Is.Empty, text);
}
