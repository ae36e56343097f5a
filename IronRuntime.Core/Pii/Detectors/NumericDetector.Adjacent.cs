using IronRuntime.Pii.Internal;

namespace IronRuntime.Pii.Detectors;

/// <summary>Values side by side in one run: a card, an SSN, a phone or an IPv4 address followed by a space and another value.</summary>
internal sealed partial class NumericDetector
{
    /// <summary>How many bytes after the trigger the earlier run is re-read with: more than <see cref="MaxRunBytes"/> past its earliest start.</summary>
    private const int ForwardBytes = 64;

    /// <summary>
    /// A digit group that follows an earlier group across a separator: it starts a run of its own when the values read
    /// from the earlier run (as the engine reads them, one after another) end exactly at the group before its separator;
    /// otherwise it continues that run and is no start (None).
    /// </summary>
    /// <remarks>
    /// Only the <see cref="PiiEngine.ContextBytes"/> bytes before the trigger are looked at (all a streamed scan is sure
    /// to see) and the bytes after it, copied to the stack: the earlier run is re-read from its first digit group that
    /// lies whole inside them, with what follows it, exactly as the engine read it, so whole text and every split of it
    /// decide alike. A run that reaches further back is read from its first whole group in view.
    /// </remarks>
    private PiiCandidate MatchAfterRun(in ScanInput input, int floor, int trigger)
    {
        // The view: the bytes before the trigger and up to ForwardBytes after it, copied to the stack; final when the
        // text is final and all of it fits (a run read from the view's start stops within MaxRunBytes unless one digit
        // group is longer than any value).
        int visible = Math.Min(trigger + input.Before.Length, PiiEngine.ContextBytes);
        int ahead = Math.Min(input.Length - trigger, ForwardBytes);
        Span<byte> bytes = stackalloc byte[PiiEngine.ContextBytes + ForwardBytes];
        // Stryker disable once Equality : a byte copied to [visible] is overwritten by the copy from the trigger below (ahead is at least 1).
        for (int i = 0; i < visible; i++)
        {
            bytes[i] = (byte)input.At(trigger - visible + i);
        }

        input.Text.Slice(trigger, ahead).CopyTo(bytes[visible..]);
        bool whole = trigger + ahead == input.Length;
        var view = new ScanInput(bytes[..(visible + ahead)], default, input.IsFinal && whole);
        bool cut = visible == PiiEngine.ContextBytes;

        // The group just before this one ends where a value must end for this one to start, and only a space or an
        // opening parenthesis lets a value end there (as NumericRun.CanEndAfter).
        int separator = PiiAscii.IsDigit(view.At(visible - 2)) ? 1 : 2;
        int groupEnd = visible - separator;
        if (Classify(view.Text[groupEnd..visible]) is not (NumericGap.Space or NumericGap.ParenOpen))
        {
            return PiiCandidate.None;
        }

        int start = visible;
        while (ContinuesRun(view, start))
        {
            // Two bytes back is a digit of the group before (one separator byte) or the separator's first byte (two): the
            // walk below ends at that group's first digit either way.
            int g = start - 2;
            while (PiiAscii.IsDigit(view.At(g - 1)))
            {
                g--;
            }

            if (cut && g == 0)
            {
                // The group reaches the edge of the view: it may have begun earlier, so it is not read.
                break;
            }

            start = g;
        }

        if (view.IsWordBefore(start))
        {
            return PiiCandidate.None;
        }

        while (start < groupEnd)
        {
            PiiCandidate value = MatchRun(view, 0, start);
            if (value.Kind == PiiCandidateKind.NeedMore)
            {
                // Past the view only when a digit group outruns every value: nothing ends before this group then.
                return whole ? PiiCandidate.NeedMore(trigger, PendingType) : PiiCandidate.None;
            }

            if (value.Kind != PiiCandidateKind.Match)
            {
                return PiiCandidate.None;
            }

            if (value.End == groupEnd)
            {
                return MatchRun(input, floor, trigger);
            }

            // The next value starts at the group after the separator that follows this one.
            start = value.End;
            while (start < groupEnd && !PiiAscii.IsDigit(view.At(start)))
            {
                start++;
            }
        }

        return PiiCandidate.None;
    }
}
