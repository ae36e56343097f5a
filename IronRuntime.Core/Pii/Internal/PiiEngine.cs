using System.Buffers;

namespace IronRuntime.Pii.Internal;

/// <summary>
/// The built-in <see cref="IPiiEngine"/>: one vectorised <see cref="SearchValues{T}"/> scan for the bytes that can
/// start or mark a value (digits, <c>@</c>, <c>:</c>, <c>-</c>, <c>_</c>, <c>A</c>, <c>J</c>), a hand-written validator
/// per detector at each, and the detectors' grammars to decide how much of the tail is still open.
/// </summary>
/// <remarks>
/// Left to right: at each trigger every detector listening to that byte answers Match, None or NeedMore; the earliest
/// (then longest) match whose confidence reaches its type's threshold wins and the scan resumes after it. At the first NeedMore the scan stops: that candidate, and
/// every tail a detector's grammar could still extend (<see cref="PiiDetector.TailHold"/>), stay unsettled. Nothing is
/// allocated unless something is found (and then only the caller's list grows).
/// </remarks>
internal sealed partial class PiiEngine : IPiiEngine
{
    /// <summary>How many bytes before a candidate's start a detector may look at (boundaries, labels such as <c>SSN: </c>).</summary>
    public const int ContextBytes = 32;

    private readonly PiiDetector[] _detectors;
    private readonly PiiDetector[][] _byTrigger;
    private readonly SearchValues<byte> _triggers;
    private readonly PiiCustomDetector[] _custom;
    private readonly PiiThresholds _thresholds;

    public PiiEngine(PiiOptions options, IEnumerable<PiiCustomDetector> custom)
    {
        ArgumentNullException.ThrowIfNull(options);
        bool On(string type) => options.IsEnabled(type);
        _thresholds = new PiiThresholds(options);
        var detectors = new List<PiiDetector>();
        if (On(PiiEntityTypes.PrivateKey))
        {
            detectors.Add(new Detectors.PemPrivateKeyDetector());
        }

        if (On(PiiEntityTypes.Jwt))
        {
            detectors.Add(new Detectors.JwtDetector());
        }

        var keys = new Detectors.KeyDetector(On(PiiEntityTypes.OpenAIKey), On(PiiEntityTypes.AnthropicKey), On(PiiEntityTypes.StripeKey), On(PiiEntityTypes.GitHubToken), On(PiiEntityTypes.SlackToken));
        if (keys.EntityTypes.Count > 0)
        {
            detectors.Add(keys);
        }

        if (On(PiiEntityTypes.AwsAccessKey))
        {
            detectors.Add(new Detectors.AwsAccessKeyDetector());
        }

        var vendors = new Detectors.VendorTokenDetector(On);
        if (vendors.EntityTypes.Count > 0)
        {
            detectors.Add(vendors);
        }

        if (On(PiiEntityTypes.GoogleApiKey))
        {
            detectors.Add(new Detectors.GoogleApiKeyDetector());
        }

        var assignments = new Detectors.SecretAssignmentDetector(On(PiiEntityTypes.Secret), On(PiiEntityTypes.AwsSecretKey), On(PiiEntityTypes.AzureStorageKey), On(PiiEntityTypes.AzureSasToken));
        if (assignments.EntityTypes.Count > 0)
        {
            detectors.Add(assignments);
        }

        if (On(PiiEntityTypes.Secret))
        {
            detectors.Add(new Detectors.UrlPasswordDetector());
        }

        if (On(PiiEntityTypes.Email))
        {
            detectors.Add(new Detectors.EmailDetector());
        }

        if (On(PiiEntityTypes.Iban))
        {
            detectors.Add(new Detectors.IbanDetector());
        }

        var numeric = new Detectors.NumericDetector(On(PiiEntityTypes.Phone), On(PiiEntityTypes.Ssn), On(PiiEntityTypes.CreditCard), On(PiiEntityTypes.IpAddress), _thresholds);
        if (numeric.EntityTypes.Count > 0)
        {
            detectors.Add(numeric);
        }

        if (On(PiiEntityTypes.IpAddress))
        {
            detectors.Add(new Detectors.IPv6Detector());
        }

        _detectors = [.. detectors];
        _custom = [.. custom.Where(c => On(c.EntityType))];

        var lists = new List<PiiDetector>[256];
        var triggerBytes = new List<byte>();
        foreach (PiiDetector detector in _detectors)
        {
            foreach (byte b in detector.Triggers)
            {
                (lists[b] ??= []).Add(detector);
                if (!triggerBytes.Contains(b))
                {
                    triggerBytes.Add(b);
                }
            }
        }

        _byTrigger = new PiiDetector[256][];
        for (int i = 0; i < 256; i++)
        {
            _byTrigger[i] = lists[i] is { } list ? [.. list] : [];
        }

        _triggers = SearchValues.Create([.. triggerBytes]);
        EntityTypes = [.. _detectors.SelectMany(d => d.EntityTypes).Concat(_custom.Select(c => c.EntityType)).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>The entity types switched on.</summary>
    public IReadOnlyList<string> EntityTypes { get; }

    public PiiScanResult Scan(ReadOnlySpan<byte> text, ReadOnlySpan<byte> preceding, bool isFinal, List<PiiMatch> matches)
    {
        ArgumentNullException.ThrowIfNull(matches);
        if (preceding.Length > ContextBytes)
        {
            preceding = preceding[^ContextBytes..];
        }

        if (!isFinal)
        {
            // A character cut by the end of the piece is decided with the next one: every boundary check sees whole characters.
            text = text[..CompleteLength(text)];
        }

        var input = new ScanInput(text, preceding, isFinal);
        int firstMatch = matches.Count;
        PiiScanResult result = ScanBuiltIn(input, matches);
        return _custom.Length == 0 ? result : ScanCustom(input, matches, firstMatch, result);
    }

    private PiiScanResult ScanBuiltIn(in ScanInput input, List<PiiMatch> matches)
    {
        ReadOnlySpan<byte> text = input.Text;
        int pos = 0;
        int from = 0;
        while (from < text.Length)
        {
            int found = text[from..].IndexOfAny(_triggers);
            if (found < 0)
            {
                break;
            }

            int trigger = from + found;
            PiiCandidate best = default;
            int pendingStart = int.MaxValue;
            string? pendingType = null;
            foreach (PiiDetector detector in _byTrigger[text[trigger]])
            {
                PiiCandidate candidate = detector.Match(input, pos, trigger);
                if (candidate.Kind == PiiCandidateKind.NeedMore)
                {
                    if (candidate.Start < pendingStart)
                    {
                        pendingStart = candidate.Start;
                        pendingType = candidate.EntityType;
                    }
                }
                else if (candidate.Kind == PiiCandidateKind.Match && _thresholds.Passes(candidate.EntityType!, candidate.Confidence)
                    && (best.Kind != PiiCandidateKind.Match || candidate.Start < best.Start || (candidate.Start == best.Start && candidate.End > best.End)))
                {
                    best = candidate;
                }
            }

            if (pendingType is not null)
            {
                if (best.Kind == PiiCandidateKind.Match && best.Start < pendingStart)
                {
                    pendingStart = best.Start;
                }

                return Unsettled(input, pos, pendingStart, pendingType);
            }

            if (best.Kind == PiiCandidateKind.Match)
            {
                matches.Add(new PiiMatch(best.Start, best.End - best.Start, best.EntityType!, best.Confidence));
                pos = best.End;
                from = best.End;
            }
            else
            {
                from = trigger + 1;
            }
        }

        return input.IsFinal ? new PiiScanResult(text.Length, null) : Unsettled(input, pos, text.Length, null);
    }

    /// <summary>The length of <paramref name="text"/> without a trailing incomplete UTF-8 sequence.</summary>
    private static int CompleteLength(ReadOnlySpan<byte> text)
    {
        int i = text.Length - 1;
        int back = 0;
        while (i >= 0 && back < 4 && (text[i] & 0xC0) == 0x80)
        {
            i--;
            back++;
        }

        if (i < 0 || text[i] < 0xC0)
        {
            return text.Length;
        }

        int needed = text[i] >= 0xF0 ? 4 : text[i] >= 0xE0 ? 3 : 2;
        return text.Length - i < needed ? i : text.Length;
    }

    /// <summary>The settled length: before the pending candidate and before every tail a detector could still extend.</summary>
    private PiiScanResult Unsettled(in ScanInput input, int pos, int pendingStart, string? pendingType)
    {
        int settled = pendingStart;
        foreach (PiiDetector detector in _detectors)
        {
            int hold = detector.TailHold(input, pos);
            if (hold < settled)
            {
                settled = hold;
                pendingType = detector.EntityTypes[0];
            }
        }

        return new PiiScanResult(settled, pendingType);
    }
}
