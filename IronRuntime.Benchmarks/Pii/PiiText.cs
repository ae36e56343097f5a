using System.Text;

namespace IronRuntime.Benchmarks.Pii;

/// <summary>Benchmark texts: English-like prose without PII, and the same prose with one value per ~200 bytes.</summary>
internal static class PiiText
{
    private static readonly string[] Sentences =
    [
        "The quick brown fox jumps over the lazy dog while the team reviews the quarterly report. ",
        "Our new release improves latency by 30 percent and reduces memory use in most workloads. ",
        "Please remember that the meeting moved to Thursday afternoon in the large conference room. ",
        "She said the results were encouraging, although further testing is needed before launch. ",
        "In 2024 the project grew to twelve contributors across three time zones and two continents. ",
        "Customers reported that the dashboard is easier to read after the redesign of the charts. ",
    ];

    private static readonly string[] Values =
    [
        "john.smith@example.com", "(415) 555-0132", "4111 1111 1111 1111", "123-45-6789", "DE89 3704 0044 0532 0130 00",
        "192.168.1.20", "sk-proj-Ab3dEf5gHi7jKl9mNo1pQr3sTu5vWx7yZa9bCd1eFg3h", "AKIAIOSFODNN7EXAMPLE",
        "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", "+44 20 7946 0958",
    ];

    /// <summary>About <paramref name="bytes"/> bytes of prose, PII-free.</summary>
    public static string Clean(int bytes)
    {
        var sb = new StringBuilder(bytes + 128);
        for (int i = 0; sb.Length < bytes; i++)
        {
            sb.Append(Sentences[i % Sentences.Length]);
        }

        return sb.ToString();
    }

    /// <summary>About <paramref name="bytes"/> bytes of prose with one value after every ~200 bytes.</summary>
    public static string Dense(int bytes)
    {
        var sb = new StringBuilder(bytes + 128);
        for (int i = 0; sb.Length < bytes; i++)
        {
            sb.Append(Sentences[i % Sentences.Length]);
            if (i % 2 == 1)
            {
                sb.Append("Contact ").Append(Values[(i / 2) % Values.Length]).Append(" now. ");
            }
        }

        return sb.ToString();
    }
}
