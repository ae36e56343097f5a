using IronRuntime.Pii;

namespace IronRuntime.Tests.Pii;

/// <summary>
/// International numbers of 26 regions checked digit for digit: the valid numbers are the <c>exampleNumber</c>s of
/// the <c>fixedLine</c> and <c>mobile</c> entries of libphonenumber's PhoneNumberMetadata.xml (v9.0.35), written in
/// E.164; the negatives are the same numbers one digit shorter or longer than every length the metadata allows for
/// their leading digit.
/// </summary>
public sealed class PiiPhoneCountryTests
{
    [TestCase("1", "2015550123")] // US
    [TestCase("1", "5062345678")] // CA
    [TestCase("7", "3011234567")] // RU
    [TestCase("7", "9123456789")]
    [TestCase("27", "101234567")] // ZA
    [TestCase("27", "711234567")]
    [TestCase("31", "101234567")] // NL
    [TestCase("31", "612345678")]
    [TestCase("32", "12345678")] // BE
    [TestCase("32", "450001234")]
    [TestCase("33", "123456789")] // FR
    [TestCase("33", "612345678")]
    [TestCase("34", "810123456")] // ES
    [TestCase("34", "612345678")]
    [TestCase("39", "0212345678")] // IT
    [TestCase("39", "3123456789")]
    [TestCase("41", "212345678")] // CH
    [TestCase("41", "781234567")]
    [TestCase("43", "1234567890")] // AT
    [TestCase("43", "664123456")]
    [TestCase("44", "1212345678")] // GB
    [TestCase("44", "7400123456")]
    [TestCase("46", "8123456")] // SE
    [TestCase("46", "701234567")]
    [TestCase("48", "123456789")] // PL
    [TestCase("48", "512345678")]
    [TestCase("49", "30123456")] // DE
    [TestCase("49", "15123456789")]
    [TestCase("52", "2001234567")] // MX
    [TestCase("52", "2221234567")]
    [TestCase("54", "1123456789")] // AR
    [TestCase("54", "91123456789")]
    [TestCase("55", "1123456789")] // BR
    [TestCase("55", "11961234567")]
    [TestCase("61", "212345678")] // AU
    [TestCase("61", "412345678")]
    [TestCase("81", "312345678")] // JP
    [TestCase("81", "9012345678")]
    [TestCase("82", "22123456")] // KR
    [TestCase("82", "1020000000")]
    [TestCase("86", "1012345678")] // CN
    [TestCase("86", "13123456789")]
    [TestCase("90", "2123456789")] // TR
    [TestCase("90", "5012345678")]
    [TestCase("91", "7410410123")] // IN
    [TestCase("91", "8123456789")]
    [TestCase("351", "212345678")] // PT
    [TestCase("351", "912345678")]
    [TestCase("966", "112345678")] // SA
    [TestCase("966", "512345678")]
    [TestCase("971", "22345678")] // AE
    [TestCase("971", "501234567")]
    public void Find_ExampleNumberOfItsCountry_PhoneWithHighConfidence(string countryCode, string nationalNumber)
    {
        string number = "+" + countryCode + nationalNumber;
        IReadOnlyList<PiiFinding> found = PiiScanner.Create().Find("Call " + number + " today.");
        Assert.That(found, Is.EqualTo(new[] { new PiiFinding(5, number.Length, PiiEntityTypes.Phone, 0.95) }));
        Assert.That(PiiTestEngine.Find("Bitte 00" + countryCode + nationalNumber + " anrufen"), Is.EqualTo(new[] { (PiiEntityTypes.Phone, "00" + countryCode + nationalNumber) }));
    }

    [TestCase("1", "201555012")] // US: 10 digits
    [TestCase("1", "20155501234")]
    [TestCase("7", "912345678")] // RU: 10 digits
    [TestCase("7", "91234567890")]
    [TestCase("27", "71123456")] // ZA: 7 leads 9 digits
    [TestCase("27", "7112345678")]
    [TestCase("31", "61234567")] // NL: 6 leads 9 digits
    [TestCase("31", "6123456789")]
    [TestCase("32", "1234567")] // BE: 1 leads 8 digits
    [TestCase("32", "4500012345")] // 4 leads 8-9 digits
    [TestCase("33", "61234567")] // FR: 9 digits
    [TestCase("33", "6123456789")]
    [TestCase("33", "812345678")] // FR: no national number starts with 8 among fixed lines and mobiles
    [TestCase("34", "61234567")] // ES: 9 digits
    [TestCase("34", "6123456789")]
    [TestCase("39", "31234567")] // IT: 3 leads 9-10 digits
    [TestCase("39", "31234567890")]
    [TestCase("41", "78123456")] // CH: 9 digits
    [TestCase("41", "7812345678")]
    [TestCase("44", "740012345")] // GB: 7 leads 10 digits
    [TestCase("44", "74001234567")]
    [TestCase("46", "70123456")] // SE: 7 leads 9 digits
    [TestCase("46", "7012345678")]
    [TestCase("48", "51234567")] // PL: 5 leads 9 digits
    [TestCase("48", "5123456789")]
    [TestCase("49", "151234567")] // DE: 1 leads 10-11 digits
    [TestCase("49", "151234567890")]
    [TestCase("52", "222123456")] // MX: 10 digits
    [TestCase("52", "22212345678")]
    [TestCase("54", "9112345678")] // AR: 9 leads 11 digits
    [TestCase("54", "911234567890")]
    [TestCase("55", "112345678")] // BR: 10-11 digits
    [TestCase("55", "119612345678")]
    [TestCase("61", "41234567")] // AU: 9 digits
    [TestCase("61", "4123456789")]
    [TestCase("81", "31234567")] // JP: 3 leads 9 digits
    [TestCase("81", "90123456789")] // 9 leads 9-10 digits
    [TestCase("82", "10200000")] // KR: 1 leads 9-10 digits
    [TestCase("82", "10200000000")]
    [TestCase("86", "131234567")] // CN: 1 leads 7-8 or 10-11 digits
    [TestCase("86", "131234567890")]
    [TestCase("90", "501234567")] // TR: 10 digits
    [TestCase("90", "50123456789")]
    [TestCase("91", "812345678")] // IN: 10 digits
    [TestCase("91", "81234567890")]
    [TestCase("351", "91234567")] // PT: 9 digits
    [TestCase("351", "9123456789")]
    [TestCase("966", "51234567")] // SA: 9 digits
    [TestCase("966", "5123456789")]
    [TestCase("971", "50123456")] // AE: 5 leads 9 digits
    [TestCase("971", "223456789")] // 2 leads 8 digits
    public void Find_WrongLengthOrLeadingDigitForItsCountry_NoPhone(string countryCode, string nationalNumber)
    {
        Assert.That(PiiTestEngine.Find("Call +" + countryCode + nationalNumber + " today."), Is.Empty);
        Assert.That(PiiTestEngine.Find("Bitte 00" + countryCode + nationalNumber + " anrufen"), Is.Empty);
    }

    [TestCase("+49 30 123456", "DE fixed line, 8-digit national number in groups")]
    [TestCase("+44 20 7946 0958", "GB London")]
    [TestCase("+33 6 12 34 56 78", "FR mobile in pairs")]
    [TestCase("+82 10-2000-0000", "KR mobile with dashes")]
    [TestCase("+7 912 345-67-89", "RU mobile")]
    public void Find_GroupedInternationalNumber_Phone(string number, string what)
        => Assert.That(PiiTestEngine.Find("Nummer " + number + "."), Is.EqualTo(new[] { (PiiEntityTypes.Phone, number) }), what);

    [Test]
    public void Find_CountryOutsideTheTable_EightToFifteenDigitsWithLowerConfidence()
    {
        // +380 (Ukraine) is not in the table: any 8-15 digits after the prefix, scored 0.7.
        IReadOnlyList<PiiFinding> found = PiiScanner.Create().Find("Kyiv +380 44 123 4567");
        Assert.That(found, Is.EqualTo(new[] { new PiiFinding(5, 16, PiiEntityTypes.Phone, 0.7) }));
    }
}
