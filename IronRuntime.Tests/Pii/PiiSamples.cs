using IronRuntime.Pii;

namespace IronRuntime.Tests.Pii;

/// <summary>Values of every entity type, and prose with hard negatives, to build test texts from.</summary>
internal static class PiiSamples
{
    public static readonly (string Type, string Value)[] Values =
    [
        (PiiEntityTypes.Email, "john.smith@example.com"),
        (PiiEntityTypes.Email, "ops+alerts@mail.example.co.uk"),
        (PiiEntityTypes.Phone, "(415) 555-0132"),
        (PiiEntityTypes.Phone, "+44 20 7946 0958"),
        (PiiEntityTypes.Phone, "1-800-555-0199"),
        (PiiEntityTypes.Ssn, "123-45-6789"),
        (PiiEntityTypes.CreditCard, "4111 1111 1111 1111"),
        (PiiEntityTypes.CreditCard, "5555555555554444"),
        (PiiEntityTypes.CreditCard, "3782-822463-10005"),
        (PiiEntityTypes.Iban, "DE89 3704 0044 0532 0130 00"),
        (PiiEntityTypes.Iban, "GB82WEST12345698765432"),
        (PiiEntityTypes.IpAddress, "192.168.1.20"),
        (PiiEntityTypes.IpAddress, "2001:db8::8a2e:370:7334"),
        (PiiEntityTypes.OpenAIKey, "sk-proj-Ab3dEf5gHi7jKl9mNo1pQr3sTu5vWx7yZa9bCd1eFg3h"),
        (PiiEntityTypes.AnthropicKey, "sk-ant-api03-Zy9xW8vU7tS6rQ5pO4nM3lK2jI1hG0fE-AA"),
        (PiiEntityTypes.AwsAccessKey, "AKIAIOSFODNN7EXAMPLE"),
        (PiiEntityTypes.GitHubToken, "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"),
        (PiiEntityTypes.SlackToken, "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOp"),
        (PiiEntityTypes.StripeKey, "sk_live_51H8abcdefGHIJKLmnopQRSTuv0123"),
        (PiiEntityTypes.Jwt, "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"),
        (PiiEntityTypes.PrivateKey, "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5oY\nAwEHoUQDQgAE1Yw==\n-----END EC PRIVATE KEY-----"),
    ];

    /// <summary>Prose fragments, hard negatives included: order numbers, timestamps, versions, UUIDs, ISBNs, near-misses.</summary>
    public static readonly string[] Prose =
    [
        "The quick brown fox jumps over the lazy dog.",
        " Order 4155550132 shipped on 2024-01-15T10:30:00Z",
        " with version 2.4.1 (build 10.0.19041)",
        " and id 123e4567-e89b-12d3-a456-426614174000.",
        " ISBN 978-0-306-40615-7 is a book;",
        " keys start with sk- and we use sk-learn,",
        " write to john at example dot com",
        " café 中文 🚀 and a long, long sentence",
        " card 4111 1111 1111 1112 fails Luhn",
        " SSN 666-12-3456 is not valid",
        " at 12:30:45 on Tuesday",
        " see https://docs.example.com/a-b_c?d=1.",
        "\n\nNew paragraph: ",
        " e.g. AKIA is a prefix, ghp_ too",
    ];

    /// <summary>A text of prose and values: each value once, in an order and with prose chosen by <paramref name="random"/>.</summary>
    public static string Build(Random random, out List<(string Type, string Value)> placed)
    {
        var order = Values.OrderBy(_ => random.Next()).ToList();
        var text = new System.Text.StringBuilder();
        placed = [];
        foreach (var (type, value) in order)
        {
            text.Append(Prose[random.Next(Prose.Length)]);
            text.Append(random.Next(4) switch { 0 => " ", 1 => " (", 2 => ": ", _ => "\n" });
            text.Append(value);
            placed.Add((type, value));
            text.Append(random.Next(4) switch { 0 => " ", 1 => ") ", 2 => ". ", _ => ",\n" });
        }

        text.Append(Prose[random.Next(Prose.Length)]);
        return text.ToString();
    }
}
