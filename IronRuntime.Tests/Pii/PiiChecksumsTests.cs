using System.Text;
using IronRuntime.Pii;
using IronRuntime.Pii.Detectors;
using IronRuntime.Pii.Internal;

namespace IronRuntime.Tests.Pii;

/// <summary>
/// The checksums and the IPv6 grammar the detectors validate with, against the published vectors: the Luhn examples
/// of ISO/IEC 7812-1 (as Wikipedia's "Luhn algorithm" works them), the IBAN example of ISO 13616 / the ECBS, the CRC-32
/// check value of the CRC catalogue (<c>"123456789"</c> → <c>CBF43926</c>) and the text forms of RFC 4291 section 2.2.
/// </summary>
public sealed class PiiChecksumsTests
{
    [TestCase("79927398713", true)]
    [TestCase("79927398710", false)]
    [TestCase("79927398714", false)]
    [TestCase("4111 1111 1111 1111", true)]
    [TestCase("4111-1111-1111-1112", false)]
    [TestCase("18", true)]
    [TestCase("59", true)]
    [TestCase("91", true)]
    [TestCase("19", false)]
    [TestCase("0", true)]
    [TestCase("5", false)]
    public void Luhn_PublishedNumbers_ValidOnlyWhenTheSumEndsInZero(string number, bool valid)
        => Assert.That(PiiChecksums.Luhn(Encoding.ASCII.GetBytes(number)), Is.EqualTo(valid));

    [TestCase("GB82WEST12345698765432", true)]
    [TestCase("GB82 WEST 1234 5698 7654 32", true)]
    [TestCase("gb82west12345698765432", true)]
    [TestCase("DE89370400440532013000", true)]
    [TestCase("NO9386011117947", true)]
    [TestCase("GB81WEST12345698765432", false)]
    [TestCase("GB82WEST12345698765433", false)]
    [TestCase("GB82-WEST-1234-5698-7654-32", false)]
    [TestCase("0001", false)]
    public void IbanMod97_RegistryExamples_ValidOnlyWithRemainderOne(string iban, bool valid)
        => Assert.That(PiiChecksums.IbanMod97(Encoding.ASCII.GetBytes(iban)), Is.EqualTo(valid));

    [TestCase("", 0x00000000u)]
    [TestCase("123456789", 0xCBF43926u)]
    [TestCase("The quick brown fox jumps over the lazy dog", 0x414FA339u)]
    [TestCase("a", 0xE8B7BE43u)]
    public void Crc32_CatalogueCheckValues(string data, uint expected)
        => Assert.That(PiiChecksums.Crc32(Encoding.ASCII.GetBytes(data)), Is.EqualTo(expected));

    [TestCase(0u, "000000", true)]
    [TestCase(61u, "00000z", true)]
    [TestCase(62u, "000010", true)]
    [TestCase(3843u, "0000zz", true)]
    [TestCase(3844u, "000100", true)]
    [TestCase(36u, "00000a", true)]
    [TestCase(10u, "00000A", true)]
    [TestCase(10u, "00000a", false)]
    [TestCase(62u, "00000z", false)]
    [TestCase(62u, "0", false)]
    [TestCase(3844u, "00", false)]
    public void IsBase62_DigitsZeroToNineThenUpperThenLower(uint value, string encoded, bool expected)
        => Assert.That(PiiChecksums.IsBase62(value, Encoding.ASCII.GetBytes(encoded)), Is.EqualTo(expected));

    [TestCase("2001:DB8:0:0:8:800:200C:417A", true)]
    [TestCase("FF01:0:0:0:0:0:0:101", true)]
    [TestCase("2001:DB8::8:800:200C:417A", true)]
    [TestCase("FF01::101", true)]
    [TestCase("::1", true)]
    [TestCase("1::", true)]
    [TestCase("0:0:0:0:0:0:13.1.68.3", true)]
    [TestCase("::13.1.68.3", true)]
    [TestCase("::FFFF:129.144.52.38", true)]
    [TestCase("1:2:3:4:5:6:7::", true)]
    [TestCase("::", false)]
    [TestCase("dead::beef", false)]
    [TestCase("1:2:3:4:5:6:7", false)]
    [TestCase("1:2:3:4:5:6:7:8:9", false)]
    [TestCase("1:2:3:4:5:6:7:8::", false)]
    [TestCase("1::2::3", false)]
    [TestCase("12345::1", false)]
    [TestCase(":1::2", false)]
    [TestCase("1:2:3:4:5:6:7:", false)]
    [TestCase("1:", false)]
    [TestCase("::1.2.3.256", false)]
    [TestCase("::1.2.3", false)]
    [TestCase("::1.2.3.4.5", false)]
    [TestCase("::01.2.3.4", false)]
    [TestCase("::1..3.4", false)]
    [TestCase("::1.2.3.4a", false)]
    [TestCase("::1234.2.3.4", false)]
    [TestCase("1", false)]
    public void IPv6IsAddress_Rfc4291TextForms(string text, bool valid)
        => Assert.That(IPv6Detector.IsAddress(Encoding.ASCII.GetBytes(text)), Is.EqualTo(valid));

    [TestCase("host 2001:DB8::8:800:200C:417A is up", "2001:DB8::8:800:200C:417A")]
    [TestCase("loopback ::1.", "::1")]
    [TestCase("mapped ::FFFF:129.144.52.38: yes", "::FFFF:129.144.52.38")]
    [TestCase("range 1:2:3:4:5:6:7:: ends", "1:2:3:4:5:6:7::")]
    public void Find_Rfc4291Address_InProse(string text, string address)
        => Assert.That(PiiTestEngine.Find(text), Is.EqualTo(new[] { (PiiEntityTypes.IpAddress, address) }));

    [TestCase("time 12:30:45 today")]
    [TestCase("mac 00:1a:2b:3c:4d:5e here")]
    [TestCase("scope std::vector::size ok")]
    [TestCase("id x2001:db8::1 glued")]
    [TestCase("long 1:2:3:4:5:6:7:8:9:a:b:c:d:e:f:1:2:3:4:5:6:7:8 run")]
    public void Find_NotAnIPv6Address_NothingFound(string text)
        => Assert.That(PiiTestEngine.Find(text), Is.Empty);
}
