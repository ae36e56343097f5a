using IronRuntime.Pii.Internal;

namespace IronRuntime.Pii.Detectors;

/// <summary>Google API keys, triggered by <c>A</c>: <c>AIza</c> and 35 characters of <c>[A-Za-z0-9_-]</c>, 39 in all, at token boundaries.</summary>
internal sealed class GoogleApiKeyDetector : PiiDetector
{
    private const int KeyLength = 39;

    public override IReadOnlyList<string> EntityTypes { get; } = [PiiEntityTypes.GoogleApiKey];

    public override ReadOnlySpan<byte> Triggers => "A"u8;

    private static ReadOnlySpan<byte> Prefix => "AIza"u8;

    public override PiiCandidate Match(in ScanInput input, int floor, int trigger)
    {
        ReadOnlySpan<byte> text = input.Text;
        if (PiiAscii.Is(input.At(trigger - 1), PiiAscii.KeyBody) || input.IsWordBefore(trigger))
        {
            return PiiCandidate.None;
        }

        if (!StartsWithLiteral(input, trigger, Prefix, PiiEntityTypes.GoogleApiKey, out PiiCandidate answer))
        {
            return answer;
        }

        int end = trigger + Prefix.Length;
        while (end < text.Length && end - trigger <= KeyLength && PiiAscii.Is(text[end], PiiAscii.KeyBody))
        {
            end++;
        }

        if (end == text.Length && !input.IsFinal && end - trigger <= KeyLength)
        {
            return PiiCandidate.NeedMore(trigger, PiiEntityTypes.GoogleApiKey);
        }

        return end - trigger == KeyLength && !input.IsWordAt(end) ? PiiCandidate.Match(trigger, end, PiiEntityTypes.GoogleApiKey, PiiConfidence.KnownPrefix) : PiiCandidate.None;
    }
}
