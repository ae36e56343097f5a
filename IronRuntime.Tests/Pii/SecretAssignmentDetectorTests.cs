using System.Text;
using IronRuntime.Pii;
using IronRuntime.Pii.Detectors;
using IronRuntime.Pii.Internal;

namespace IronRuntime.Tests.Pii;

/// <summary>
/// Secrets assigned to a telling name, asked of the detector directly at its limits: the value (8 to 256 characters),
/// the name (at most 26 bytes back from the trigger), the randomness rule (3 bits of Shannon entropy per character, or
/// 2.5 bits with two character classes; 2.5 bits with one class is a low-confidence match) and the exact AWS (40
/// base64 characters) and Azure (88, ending <c>==</c>) shapes. Entropies are worked out by hand from the character
/// counts: eight distinct characters in eight give log2 8 = 3 bits; counts 2, 2, 1, 1, 1, 1 give 2 × ¼ × 2 + 4 × ⅛ × 3
/// = 2.5 bits; counts 3, 1, 1, 1, 1, 1 give ⅜ × log2(8/3) + 5 × ⅛ × 3 ≈ 2.41 bits.
/// </summary>
public sealed class SecretAssignmentDetectorTests
{
    private static readonly SecretAssignmentDetector Detector = new(generic: true, aws: true, azure: true, sas: true);

    private static PiiCandidate Assigned(string name, string value) => PiiDetectorProbe.Match(Detector, name + "=" + value, true, '=');

    private static PiiCandidate Secret(string name, string value, double confidence)
        => PiiCandidate.Match(name.Length + 1, name.Length + 1 + value.Length, PiiEntityTypes.Secret, confidence);

    private static string Random(int length) => string.Concat(Enumerable.Range(0, length).Select(i => "k7Qm2Xv9Rp4Lz8Tw"[i % 16]));

    [Test]
    public void Value_Of8_Found_Of7_None()
    {
        Assert.That(Assigned("DB_PASSWORD", "qwhzkxmp"), Is.EqualTo(Secret("DB_PASSWORD", "qwhzkxmp", PiiConfidence.SecretHighEntropy)));
        Assert.That(Assigned("DB_PASSWORD", "qwhzkxm"), Is.EqualTo(PiiCandidate.None), "seven characters are too short to be a secret");
    }

    [Test]
    public void Value_Of256_Found_Of257_None()
    {
        Assert.That(Assigned("token", Random(256)), Is.EqualTo(Secret("token", Random(256), PiiConfidence.SecretHighEntropy)));
        Assert.That(Assigned("token", Random(257)), Is.EqualTo(PiiCandidate.None), "not the first 256 characters of a longer value");
    }

    [Test]
    public void Name_Of25BytesBackFromTheTrigger_Found_Of26_None()
    {
        string name25 = new string('a', 16) + "_password";
        string name26 = new string('a', 17) + "_password";

        Assert.That(Assigned(name25, "qwhzkxmp"), Is.EqualTo(Secret(name25, "qwhzkxmp", PiiConfidence.SecretHighEntropy)));
        Assert.That(Assigned(name26, "qwhzkxmp"), Is.EqualTo(PiiCandidate.None), "a name this long is not read, not even its telling end");
    }

    [TestCase("qwhzkxmp", PiiConfidence.SecretHighEntropy, TestName = "Entropy_Exactly3Bits_OneClass_High")]
    [TestCase("qwqwerty", PiiConfidence.SecretLowEntropy, TestName = "Entropy_Exactly2Point5Bits_OneClass_Low")]
    [TestCase("qwqwERTY", PiiConfidence.SecretHighEntropy, TestName = "Entropy_Exactly2Point5Bits_LowerAndUpper_High")]
    [TestCase("qwqw1357", PiiConfidence.SecretHighEntropy, TestName = "Entropy_Exactly2Point5Bits_LowerAndDigits_High")]
    [TestCase("qwqw!#%&", PiiConfidence.SecretHighEntropy, TestName = "Entropy_Exactly2Point5Bits_LowerAndSymbols_High")]
    [TestCase("QWQW1357", PiiConfidence.SecretHighEntropy, TestName = "Entropy_Exactly2Point5Bits_UpperAndDigits_High")]
    [TestCase("12124579", PiiConfidence.SecretLowEntropy, TestName = "Entropy_Exactly2Point5Bits_DigitsOnly_Low")]
    [TestCase("QWQWERTY", PiiConfidence.SecretLowEntropy, TestName = "Entropy_Exactly2Point5Bits_UpperOnly_Low")]
    public void Entropy_AtItsThresholds(string value, double confidence)
        => Assert.That(Assigned("api_key", value), Is.EqualTo(Secret("api_key", value, confidence)));

    [TestCase("qqqwerty", TestName = "Entropy_UnderTwoPoint5Bits_OneClass_None")]
    [TestCase("QQQw1357", TestName = "Entropy_UnderTwoPoint5Bits_ThreeClasses_None")]
    public void Entropy_Under2Point5Bits_None(string value)
        => Assert.That(Assigned("api_key", value), Is.EqualTo(PiiCandidate.None));

    [Test]
    public void Aws_40Base64_Found_39OrAnotherCharacter_None()
    {
        string key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        Assert.That(key, Has.Length.EqualTo(40));

        Assert.That(Assigned("AWS_SECRET_ACCESS_KEY", key),
            Is.EqualTo(PiiCandidate.Match(22, 62, PiiEntityTypes.AwsSecretKey, PiiConfidence.NamedSecret)));
        Assert.That(Assigned("AWS_SECRET_ACCESS_KEY", key[..39]), Is.EqualTo(PiiCandidate.None), "39 characters");
        Assert.That(Assigned("AWS_SECRET_ACCESS_KEY", key[..39] + "-"), Is.EqualTo(PiiCandidate.None), "40 characters, one not base64");
    }

    [Test]
    public void Azure_88EndingInTwoEquals_Found_OtherShapes_None()
    {
        string key = Random(86) + "==";

        Assert.That(Assigned("AccountKey", key), Is.EqualTo(PiiCandidate.Match(11, 99, PiiEntityTypes.AzureStorageKey, PiiConfidence.KnownPrefix)));
        Assert.That(Assigned("AccountKey", Random(85) + "=="), Is.EqualTo(PiiCandidate.None), "87 characters");
        Assert.That(Assigned("AccountKey", Random(88)), Is.EqualTo(PiiCandidate.None), "88 characters without the padding");
        Assert.That(Assigned("AccountKey", "-" + Random(85) + "=="), Is.EqualTo(PiiCandidate.None), "88 characters, one not base64");
    }

    [Test]
    public void SpacesAroundTheTrigger_UpToTwo_Read_Three_None()
    {
        Assert.That(Assigned("api_key", "  qwhzkxmp"), Is.EqualTo(PiiCandidate.Match(10, 18, PiiEntityTypes.Secret, PiiConfidence.SecretHighEntropy)));
        Assert.That(Assigned("api_key", "   qwhzkxmp"), Is.EqualTo(PiiCandidate.None), "three spaces after the trigger: no value");
        Assert.That(Assigned("api_key  ", "qwhzkxmp"), Is.EqualTo(PiiCandidate.Match(10, 18, PiiEntityTypes.Secret, PiiConfidence.SecretHighEntropy)));
        Assert.That(Assigned("api_key   ", "qwhzkxmp"), Is.EqualTo(PiiCandidate.None), "three spaces before the trigger: no name");
    }

    [Test]
    public void QuotedValue_EndsAtItsQuote_SpacesIncluded()
        => Assert.That(PiiDetectorProbe.Match(Detector, "\"api_key\": \"qwhz kxmp\"", true, ':'),
            Is.EqualTo(PiiCandidate.Match(12, 21, PiiEntityTypes.Secret, PiiConfidence.SecretHighEntropy)),
            "nine distinct characters, the space one of them: log2 9 ≈ 3.17 bits");

    [TestCase("db-pwd", TestName = "Name_DashBeforeAShortSuffix_ReadAsUnderscore")]
    [TestCase("db.pwd", TestName = "Name_DotBeforeAShortSuffix_ReadAsUnderscore")]
    public void Name_DashOrDot_ReadAsUnderscore(string name)
        => Assert.That(Assigned(name, "qwhzkxmp"), Is.EqualTo(Secret(name, "qwhzkxmp", PiiConfidence.SecretHighEntropy)));

    [TestCase("dbpasswd", TestName = "Name_SixLetterSuffixGluedToAWord_Passwd")]
    [TestCase("mysecret", TestName = "Name_SixLetterSuffixGluedToAWord_Secret")]
    [TestCase("myapikey", TestName = "Name_SixLetterSuffixGluedToAWord_Apikey")]
    public void Name_SuffixOfSixOrMore_NeedsNoSeparator(string name)
        => Assert.That(Assigned(name, "qwhzkxmp"), Is.EqualTo(Secret(name, "qwhzkxmp", PiiConfidence.SecretHighEntropy)));

    [Test]
    public void Name_ShortSuffixGluedToAWord_None()
        => Assert.That(Assigned("mypwd", "qwhzkxmp"), Is.EqualTo(PiiCandidate.None), "pwd needs a separator before it, unlike password");

    [TestCase("SecretAccessKey", TestName = "Aws_CamelCaseName")]
    [TestCase("aws_secret_key", TestName = "Aws_ShortName")]
    [TestCase("aws.secret.access.key", TestName = "Aws_DottedName_ReadWhole")]
    public void Aws_OtherNames_Found(string name)
        => Assert.That(Assigned(name, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
            Is.EqualTo(PiiCandidate.Match(name.Length + 1, name.Length + 41, PiiEntityTypes.AwsSecretKey, PiiConfidence.NamedSecret)));

    [Test]
    public void SasSignature_AQueryParameter_Found_ElsewhereNone()
    {
        string signature = Convert.ToBase64String([.. Enumerable.Range(0, 32).Select(i => (byte)((i * 37) + 11))]);
        Assert.That(signature, Has.Length.EqualTo(44));

        Assert.That(PiiDetectorProbe.Match(Detector, "?sig=" + signature, true, '='), Is.EqualTo(PiiCandidate.Match(5, 49, PiiEntityTypes.AzureSasToken, PiiConfidence.KnownPrefix)));
        Assert.That(PiiDetectorProbe.Match(Detector, "sig=" + signature, true, '='), Is.EqualTo(PiiCandidate.None), "sig is a SAS signature only as a query parameter");
        Assert.That(PiiDetectorProbe.Match(Detector, "?sig=\"" + signature + "&se=1\"", true, '='),
            Is.EqualTo(PiiCandidate.Match(6, 50, PiiEntityTypes.AzureSasToken, PiiConfidence.KnownPrefix)), "quoted, the & still ends the parameter");

        string encoded = signature[..43] + "%3D";
        Assert.That(PiiDetectorProbe.Match(Detector, "&sig=" + encoded, true, '='), Is.EqualTo(PiiCandidate.Match(5, 51, PiiEntityTypes.AzureSasToken, PiiConfidence.KnownPrefix)), "URL-encoded padding");
        Assert.That(PiiDetectorProbe.Match(Detector, "&sig=" + signature[..43] + "%3", true, '='), Is.EqualTo(PiiCandidate.None), "an escape cut short");
    }

    [Test]
    public void ProseLabel_OnlyWhenGenericSecretsAreOn()
    {
        byte[] text = Encoding.UTF8.GetBytes("密码: qwhzkxmp");
        int trigger = Array.IndexOf(text, (byte)':');
        var input = new ScanInput(text, default, true);

        Assert.That(Detector.Match(input, 0, trigger), Is.EqualTo(PiiCandidate.Match(trigger + 2, text.Length, PiiEntityTypes.Secret, PiiConfidence.SecretHighEntropy)));
        Assert.That(new SecretAssignmentDetector(generic: false, aws: true, azure: true, sas: true).Match(input, 0, trigger), Is.EqualTo(PiiCandidate.None));
    }

    [TestCase("1!1!3579", TestName = "Classes_DigitsAndSymbols_AreTwo")]
    [TestCase("QWQW!#%&", TestName = "Classes_UpperAndSymbols_AreTwo")]
    public void Classes_EachCountsApart(string value)
        => Assert.That(Assigned("api_key", value), Is.EqualTo(Secret("api_key", value, PiiConfidence.SecretHighEntropy)), "2.5 bits and two classes");

    [TestCase("98765432", TestName = "Value_DescendingRun_None")]
    [TestCase("abcdefgh", TestName = "Value_AscendingRun_None")]
    [TestCase("github_pat_", TestName = "Value_ExactlyAKnownPrefix_LeftToItsDetector")]
    public void Value_NotARandomSecret_None(string value)
        => Assert.That(Assigned("api_key", value), Is.EqualTo(PiiCandidate.None));
}
