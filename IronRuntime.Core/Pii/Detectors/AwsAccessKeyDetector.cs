using IronRuntime.Pii.Internal;

namespace IronRuntime.Pii.Detectors;

/// <summary>AWS access key ids, triggered by <c>A</c>: a documented four-letter prefix (<c>AKIA</c>, <c>ASIA</c>, …) and 16 capitals or digits, 20 in all, at word boundaries.</summary>
internal sealed class AwsAccessKeyDetector : PiiDetector
{
    private const int KeyLength = 20;

    private static readonly string[] Prefixes = ["AKIA", "ASIA", "AGPA", "AIDA", "AROA", "AIPA", "ANPA", "ANVA", "ABIA", "ACCA"];

    public override IReadOnlyList<string> EntityTypes { get; } = [PiiEntityTypes.AwsAccessKey];

    public override ReadOnlySpan<byte> Triggers => "A"u8;

    public override PiiCandidate Match(in ScanInput input, int floor, int trigger)
    {
        ReadOnlySpan<byte> text = input.Text;
        if (input.IsWordBefore(trigger) || !PiiAscii.IsUpper(input.At(trigger + 1)))
        {
            return input.At(trigger + 1) < 0 && !input.IsWordBefore(trigger)
                ? PiiCandidate.NeedMoreOrNone(input, trigger, PiiEntityTypes.AwsAccessKey)
                : PiiCandidate.None;
        }

        int available = Math.Min(text.Length - trigger, 4);
        ReadOnlySpan<byte> head = text.Slice(trigger, available);
        if (!HasPrefix(head))
        {
            return PiiCandidate.None;
        }

        int p = trigger + available;
        while (p < text.Length && p - trigger < KeyLength)
        {
            if (!PiiAscii.Is(text[p], PiiAscii.Upper | PiiAscii.Digit))
            {
                return PiiCandidate.None;
            }

            p++;
        }

        if (p == text.Length)
        {
            if (!input.IsFinal)
            {
                return PiiCandidate.NeedMore(trigger, PiiEntityTypes.AwsAccessKey);
            }

            return p - trigger == KeyLength ? PiiCandidate.Match(trigger, p, PiiEntityTypes.AwsAccessKey, PiiConfidence.KnownPrefix) : PiiCandidate.None;
        }

        return p - trigger == KeyLength && !input.IsWordAt(p) ? PiiCandidate.Match(trigger, p, PiiEntityTypes.AwsAccessKey, PiiConfidence.KnownPrefix) : PiiCandidate.None;
    }

    private static bool HasPrefix(ReadOnlySpan<byte> head)
    {
        foreach (string prefix in Prefixes)
        {
            bool match = true;
            for (int i = 0; i < head.Length; i++)
            {
                if (prefix[i] != head[i])
                {
                    match = false;

                    // Stryker disable once Statement : only a shortcut; match stays false for the rest of this prefix either way.
                    break;
                }
            }

            if (match)
            {
                return true;
            }
        }

        return false;
    }
}
