using IronRuntime.Pii;

namespace IronRuntime.Tests.Pii;

/// <summary>
/// A generated labeled corpus: sentence frames in English, German, French, Spanish, Chinese, Japanese, Arabic and
/// Russian (with their own punctuation: « », full-width colons and commas, 「」, no-break spaces) filled with every
/// value kind, and hard negatives in the same frames. Lines use the <see cref="PiiCorpus"/> labeling.
/// </summary>
internal static class PiiMultilingualCorpus
{
    private static readonly string[] Frames =
    [
        "Here it is: {V}. Thanks!",
        "Bitte prüfen Sie «\u00A0{V}\u00A0» sofort.",
        "Meine Angabe lautet {V}, danke.",
        "Voici la valeur\u00A0: {V}, merci.",
        "« {V} » est à vérifier.",
        "El dato es {V}; gracias.",
        "¿Puede revisar {V}?",
        "请查看：{V}，谢谢。",
        "数据（{V}）已更新。",
        "こちらです：{V}。よろしく。",
        "値は「{V}」です。",
        "القيمة هي {V} شكرا.",
        "Вот значение: {V}, спасибо.",
        "Проверьте «{V}» сегодня.",
        "🚀 {V} 🚀",
    ];

    /// <summary>Values: the type, text before the value that stays (a label or a name), the value, text after that stays.</summary>
    private static readonly (string Type, string Before, string Value, string After)[] Values =
    [
        (PiiEntityTypes.Email, "", "john.smith@example.com", ""),
        (PiiEntityTypes.Email, "", "josé.garcía@beispiel.de", ""),
        (PiiEntityTypes.Email, "", "Дмитрий.Иванов@пример.ru".Replace("пример", "primer", StringComparison.Ordinal), ""),
        (PiiEntityTypes.Phone, "Tel.:\u00A0", "+49 151 66329128", ""),
        (PiiEntityTypes.Phone, "", "(415) 555-0132", ""),
        (PiiEntityTypes.Phone, "", "+33 1 23 45 67 89", ""),
        (PiiEntityTypes.Ssn, "", "123-45-6789", ""),
        (PiiEntityTypes.Ssn, "SSN: ", "578611004", ""),
        (PiiEntityTypes.CreditCard, "", "4772 1851 8222 2544", " 12/29 942"),
        (PiiEntityTypes.CreditCard, "", "3579393689192338", ""),
        (PiiEntityTypes.CreditCard, "", "5555-5555-5555-4444", ""),
        (PiiEntityTypes.Iban, "", "DE89 3704 0044 0532 0130 00", ""),
        (PiiEntityTypes.Iban, "", "fr1420041010050500013m02606", ""),
        (PiiEntityTypes.Iban, "IBAN：", "GB82 WEST 1234 5698 7654 32", ""),
        (PiiEntityTypes.IpAddress, "", "172.27.152.218", ""),
        (PiiEntityTypes.IpAddress, "", "2001:db8::8a2e:370:7334", ""),
        (PiiEntityTypes.OpenAIKey, "", "sk-proj-Ab3dEf5gHi7jKl9mNo1pQr3sTu5vWx7yZa9bCd1eFg3h", ""),
        (PiiEntityTypes.AnthropicKey, "", "sk-ant-api03-Zy9xW8vU7tS6rQ5pO4nM3lK2jI1hG0fE-AA", ""),
        (PiiEntityTypes.AwsAccessKey, "", "AKIAIOSFODNN7EXAMPLE", ""),
        (PiiEntityTypes.GitHubToken, "", "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", ""),
        (PiiEntityTypes.SlackToken, "", "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOp", ""),
        (PiiEntityTypes.StripeKey, "", "sk_live_abcdefGHIJKLmnopQRSTuvwxYZab", ""),
        (PiiEntityTypes.GoogleApiKey, "", "AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY", ""),
        (PiiEntityTypes.AwsSecretKey, "AWS_SECRET_ACCESS_KEY=", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""),
        (PiiEntityTypes.AzureStorageKey, "AccountName=acct;AccountKey=", "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==", ";EndpointSuffix=core.windows.net"),
        (PiiEntityTypes.Secret, "DB_PASSWORD=", "Xk9#mP2vL7qR", ""),
        (PiiEntityTypes.Secret, "\"client_secret\": \"", "q8Zr-4mT_p2Wx9Lk", "\""),
        (PiiEntityTypes.Secret, "Passwort: ", "Hx7!pQ2zW9mK", ""),
        (PiiEntityTypes.Secret, "postgres://app:", "Zp4x9QwErT", "@db-5.internal:5432/app"),
        (PiiEntityTypes.Jwt, "", "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c", ""),
        (PiiEntityTypes.PrivateKey, "{\"private_key\": \"", "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\\nZ1bKsL0w==\\n-----END PRIVATE KEY-----", "\\n\"}"),
    ];

    /// <summary>Look like values, are not.</summary>
    private static readonly string[] Negatives =
    [
        "https://abc@o1.ingest.sentry.io/4504", "postgres://app@db-5.internal:5432/app", "icon@2x.png", "IMEI 356938035643809",
        "v2.4.1", "10.0.19041", "123e4567-e89b-12d3-a456-426614174000", "3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39",
        "order 4155550132", "tracking 1Z999AA10123456784", "dGhpcyBpcyBub3QgYSB0b2tlbiBhdCBhbGw=", "password: changeme",
        "api_key: ${OPENAI_API_KEY}", "ISBN 978-0-306-40615-7", "2024-01-15T10:30:00Z",
    ];

    public static IEnumerable<string> Lines
    {
        get
        {
            foreach (string frame in Frames)
            {
                foreach (var (type, before, value, after) in Values)
                {
                    yield return frame.Replace("{V}", before + "{{" + type + "|" + value + "}}" + after, StringComparison.Ordinal);
                }

                foreach (string negative in Negatives)
                {
                    yield return frame.Replace("{V}", negative, StringComparison.Ordinal);
                }
            }
        }
    }
}
