using IronRuntime.Pii;

namespace IronRuntime.Tests.Pii;

/// <summary>
/// The formats and secret kinds beyond the plain ones: Unicode boundaries in several languages, lowercase IBANs, cards
/// with expiry and CVV, labeled SSNs, non-ASCII e-mail local parts, secrets by name, and the hard negatives around them.
/// Expected values are written by hand from the formats' definitions.
/// </summary>
public sealed class PiiFormatTests
{
    [TestCase("服务器地址：172.27.152.218，请检查。", PiiEntityTypes.IpAddress, "172.27.152.218")]
    [TestCase("Tel.:\u00A0+49 151 66329128", PiiEntityTypes.Phone, "+49 151 66329128")]
    [TestCase("信用卡号：3579393689192338", PiiEntityTypes.CreditCard, "3579393689192338")]
    [TestCase("«\u00A0sk-ant-api03-Zy9xW8vU7tS6rQ5pO4nM3lK2jI1hG0fE-AA\u00A0»", PiiEntityTypes.AnthropicKey, "sk-ant-api03-Zy9xW8vU7tS6rQ5pO4nM3lK2jI1hG0fE-AA")]
    [TestCase("Meine E-Mail: josé.garcía@beispiel.de, bitte.", PiiEntityTypes.Email, "josé.garcía@beispiel.de")]
    [TestCase("Напишите на иван.петров@example.ru сегодня.", PiiEntityTypes.Email, "иван.петров@example.ru")]
    [TestCase("メール：taro@example.jp です。", PiiEntityTypes.Email, "taro@example.jp")]
    [TestCase("البريد: ahmad@example.com شكرا", PiiEntityTypes.Email, "ahmad@example.com")]
    [TestCase("Numéro de carte : 4111 1111 1111 1111 !", PiiEntityTypes.CreditCard, "4111 1111 1111 1111")]
    [TestCase("Tarjeta 5555-5555-5555-4444, caduca pronto.", PiiEntityTypes.CreditCard, "5555-5555-5555-4444")]
    [TestCase("电话：+86 139 1099 8888。", PiiEntityTypes.Phone, "+86 139 1099 8888")]
    [TestCase("IP-адрес 10.0.0.1 недоступен", PiiEntityTypes.IpAddress, "10.0.0.1")]
    [TestCase("🚀4111111111111111🚀", PiiEntityTypes.CreditCard, "4111111111111111")]
    public void Multilingual_ValueBetweenNonAsciiBoundaries_Found(string text, string type, string value) => AssertFinds(text, type, value);

    [TestCase("café4111111111111111")]
    [TestCase("número4111111111111111")]
    [TestCase("卡号4111111111111111")]
    [TestCase("Straße192.168.1.20")]
    public void Multilingual_ValueGluedToLetters_NotFound(string text) => Assert.That(PiiTestEngine.Find(text), Is.Empty);

    [TestCase("IBAN fr1420041010050500013m02606 ok", "fr1420041010050500013m02606")]
    [TestCase("iban: de89 3704 0044 0532 0130 00", "de89 3704 0044 0532 0130 00")]
    [TestCase("IBAN：DE89 3704 0044 0532 0130 00。", "DE89 3704 0044 0532 0130 00")]
    public void Iban_LowercaseOrAfterFullWidthColon_Found(string text, string value) => AssertFinds(text, PiiEntityTypes.Iban, value);

    [Test]
    public void Card_FollowedByExpiryAndCvv_OnlyTheCard()
        => Assert.That(PiiTestEngine.RedactWhole("card 4772 1851 8222 2544 12/29 942 thanks"), Is.EqualTo("card [CREDIT_CARD] 12/29 942 thanks"));

    [TestCase("IMEI 356938035643809")]
    [TestCase("device 490154203237518")]
    public void Card_FifteenDigitsNotAmex_NotFound(string text) => AssertNone(text, PiiEntityTypes.CreditCard);

    [TestCase("SSN: 578611004", "578611004")]
    [TestCase("ssn 078051120.", "078051120")]
    [TestCase("Social Security Number: 219099999", "219099999")]
    [TestCase("社会安全号码：536221000", "536221000")]
    public void Ssn_BareAfterLabel_Found(string text, string value) => AssertFinds(text, PiiEntityTypes.Ssn, value);

    [TestCase("order 578611004")]
    [TestCase("SSN: 666123456")]
    [TestCase("SSN for 578611004")]
    public void Ssn_BareWithoutLabelOrInvalid_NotFound(string text) => AssertNone(text, PiiEntityTypes.Ssn);

    [TestCase("https://abc@o1.ingest.sentry.io/4504")]
    [TestCase("postgres://app@db-5.internal:5432/app")]
    [TestCase("see icon@2x.png and logo@3x.webp")]
    public void Email_UrlUserInfoOrImageName_NotFound(string text) => AssertNone(text, PiiEntityTypes.Email);

    [TestCase("stripe sk_live_abcdefGHIJKLmnopQRSTuvwxYZab", PiiEntityTypes.StripeKey, "sk_live_abcdefGHIJKLmnopQRSTuvwxYZab")]
    [TestCase("key=AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY", PiiEntityTypes.GoogleApiKey, "AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY")]
    [TestCase("AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", PiiEntityTypes.AwsSecretKey, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")]
    [TestCase("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", PiiEntityTypes.AwsSecretKey, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")]
    [TestCase("DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;EndpointSuffix=core.windows.net", PiiEntityTypes.AzureStorageKey, "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==")]
    [TestCase("DATABASE_URL=postgres://app:Zp4x9QwErT@db-5.internal:5432/app", PiiEntityTypes.Secret, "Zp4x9QwErT")]
    [TestCase("redis://:s3cr3t-Pw@cache:6379", PiiEntityTypes.Secret, "s3cr3t-Pw")]
    [TestCase("DB_PASSWORD=Xk9#mP2vL7qR", PiiEntityTypes.Secret, "Xk9#mP2vL7qR")]
    [TestCase("client_secret: q8Zr-4mT_p2Wx9Lk", PiiEntityTypes.Secret, "q8Zr-4mT_p2Wx9Lk")]
    [TestCase("{\"api_key\": \"9f8e7d6c5b4a3f2e1d0c\"}", PiiEntityTypes.Secret, "9f8e7d6c5b4a3f2e1d0c")]
    [TestCase("密码: Hx7pQ2zW9mK", PiiEntityTypes.Secret, "Hx7pQ2zW9mK")]
    [TestCase("contraseña: Hx7pQ2zW9mK", PiiEntityTypes.Secret, "Hx7pQ2zW9mK")]
    public void Secret_NewKinds_Found(string text, string type, string value) => AssertFinds(text, type, value);

    [TestCase("password: changeme")]
    [TestCase("password=${DB_PASSWORD}")]
    [TestCase("api_key: <your-key-here>")]
    [TestCase("token: aaaaaaaaaaaa")]
    [TestCase("Note: this is fine")]
    [TestCase("time 12:30:45 and ratio 3:2")]
    [TestCase("dGhpcyBpcyBub3QgYSB0b2tlbiBhdCBhbGw=")]
    [TestCase("AIzaTooShort")]
    [TestCase("git 3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39")]
    [TestCase("tracking 1Z999AA10123456784, order 4155550132")]
    [TestCase("id 123e4567-e89b-12d3-a456-426614174000")]
    [TestCase("release v2.4.1 (10.0.19041)")]
    public void Secret_HardNegatives_NotFound(string text) => Assert.That(PiiTestEngine.Find(text), Is.Empty);

    [Test]
    public void PrivateKey_InJsonWithEscapedNewlines_WholeBodyRedacted()
    {
        string json = "{\"type\":\"service_account\",\"private_key\":\"-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\\nBKcwggSjAgEAAoIBAQC7\\n-----END PRIVATE KEY-----\\n\",\"client_email\":\"x\"}";
        Assert.That(PiiTestEngine.RedactWhole(json), Is.EqualTo("{\"type\":\"service_account\",\"private_key\":\"[PRIVATE_KEY]\\n\",\"client_email\":\"x\"}"));
    }

    private static void AssertFinds(string text, string type, string value)
        => Assert.That(PiiTestEngine.Find(text), Is.EqualTo(new[] { (type, value) }), text);

    private static void AssertNone(string text, string type)
        => Assert.That(PiiTestEngine.Find(text).Where(f => f.Type == type), Is.Empty, text);
}
