using IronRuntime.Pii;

namespace IronRuntime.Tests.Pii;

/// <summary>
/// National phone formats of the most populous and most connected countries, written as each country writes them
/// (trunk prefixes and lengths as in libphonenumber's metadata), and the number-like text that must stay.
/// </summary>
public sealed class PiiPhoneTests
{
    [TestCase("Berlin: (030) 853614.", "(030) 853614")] // DE
    [TestCase("Büro 030 12345678", "030 12345678")] // DE
    [TestCase("mobile 04 396 8156", "04 396 8156")] // AU
    [TestCase("Sydney (02) 9876 5432", "(02) 9876 5432")] // AU
    [TestCase("Zürich 0041 44 103 36 27", "0041 44 103 36 27")] // CH, 00 international prefix
    [TestCase("Zürich 044 668 18 00", "044 668 18 00")] // CH
    [TestCase("London 020 7946 0958", "020 7946 0958")] // GB
    [TestCase("mobile 07700 900123", "07700 900123")] // GB
    [TestCase("Paris 01 23 45 67 89", "01 23 45 67 89")] // FR
    [TestCase("portable 06 12 34 56 78", "06 12 34 56 78")] // FR
    [TestCase("Roma 06 1234 5678", "06 1234 5678")] // IT
    [TestCase("Amsterdam 020 123 4567", "020 123 4567")] // NL
    [TestCase("Bruxelles 02 123 45 67", "02 123 45 67")] // BE
    [TestCase("Wien 01 234 5678", "01 234 5678")] // AT
    [TestCase("東京 03-1234-5678", "03-1234-5678")] // JP
    [TestCase("携帯 090-1234-5678", "090-1234-5678")] // JP
    [TestCase("서울 02-123-4567", "02-123-4567")] // KR
    [TestCase("휴대폰 010-1234-5678", "010-1234-5678")] // KR
    [TestCase("北京 010-12345678", "010-12345678")] // CN
    [TestCase("手机 139 1099 8888", "139 1099 8888")] // CN mobile
    [TestCase("Mumbai 022 2345 6789", "022 2345 6789")] // IN
    [TestCase("São Paulo (11) 91234-5678", "(11) 91234-5678")] // BR
    [TestCase("CDMX (55) 1234 5678", "(55) 1234 5678")] // MX
    [TestCase("Москва 8 (495) 123-45-67", "8 (495) 123-45-67")] // RU
    [TestCase("Stockholm 08-123 456 78", "08-123 456 78")] // SE
    [TestCase("İstanbul 0212 123 45 67", "0212 123 45 67")] // TR
    [TestCase("Cape Town 021 123 4567", "021 123 4567")] // ZA
    [TestCase("Buenos Aires 011 4123-4567", "011 4123-4567")] // AR
    [TestCase("Tel.: 912 345 678", "912 345 678")] // ES, after a label
    [TestCase("Telefon: 22 123 45 67", "22 123 45 67")] // PL, after a label
    [TestCase("Teléfono: 55 1234 5678", "55 1234 5678")] // MX, after a label
    public void Phone_NationalFormat_Found(string text, string value)
        => Assert.That(PiiTestEngine.Find(text), Is.EqualTo(new[] { (PiiEntityTypes.Phone, value) }), text);

    [TestCase("ISBN 0-306-40615-2")]
    [TestCase("the code is 0042-17")]
    [TestCase("on 01.02.2024 at 10")]
    [TestCase("version 0.9.12")]
    [TestCase("pages 01 23")]
    [TestCase("order 0301234567")]
    [TestCase("ids 912 345 678 (no label)")]
    [TestCase("zip 10115 Berlin")]
    public void Phone_NumberLikeText_NotFound(string text)
        => Assert.That(PiiTestEngine.Find(text).Where(f => f.Type == PiiEntityTypes.Phone), Is.Empty, text);
}
