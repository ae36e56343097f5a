using System.Buffers;
using IronRuntime.Router;
using Microsoft.Extensions.Logging.Abstractions;

namespace IronRuntime.Pii.Internal;

/// <summary>
/// The scanner of one logical text stream: keeps the unsettled tail (what could still be the start of a value) and
/// the last settled bytes (context for boundaries), releases the settled text with its values replaced, counts and
/// audits each value once.
/// </summary>
/// <remarks>
/// <para>
/// The engine sees the text in windows of at most <c>maxHold + 1</c> bytes from the settled point, whether it came
/// in one piece or a byte at a time: a candidate still undecided after <c>maxHold + 1</c> bytes is redacted from its
/// start, and the rest of it is dropped as it arrives until its grammar ends (<see cref="PiiOverflow"/>). Whole text
/// and every split of it give the same output.
/// </para>
/// <para>
/// A piece with nothing held before it, nothing found in it and nothing to hold after it is answered
/// <see cref="LlmTextScanStatus.Unchanged"/> without a copy. In <see cref="PiiMode.Detect"/> the text always passes
/// unchanged (the tail is copied only to scan it with the next piece).
/// </para>
/// </remarks>
internal sealed class PiiTextScanner(
    IPiiEngine engine, PiiReplacer replacer, PiiAuditor? auditor, string? callerId, LlmContentDirection direction, PiiMode mode, int maxHold, List<PiiMatch>? found = null)
    : ILlmTextScanner
{
    private readonly List<PiiMatch> _matches = [];
    private readonly List<PiiMatch> _window = [];
    private readonly byte[] _context = new byte[PiiEngine.ContextBytes];
    private byte[]? _held;
    private int _heldLength;
    private int _contextLength;
    private long _offset;
    private PiiOverflow _overflow;
    private List<string>? _blocked;

    public IReadOnlyList<string> BlockedEntityTypes => _blocked ?? (IReadOnlyList<string>)[];

    /// <summary>The number of bytes held back now.</summary>
    public int HeldBytes => _heldLength;

    public LlmTextScanStatus Scan(ReadOnlySpan<byte> text, bool isFinal, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (_blocked is not null)
        {
            return LlmTextScanStatus.Blocked;
        }

        byte[]? joined = null;
        ReadOnlySpan<byte> work = text;
        bool hadHeld = _heldLength > 0;
        if (hadHeld)
        {
            joined = ArrayPool<byte>.Shared.Rent(_heldLength + text.Length);
            _held.AsSpan(0, _heldLength).CopyTo(joined);
            text.CopyTo(joined.AsSpan(_heldLength));
            work = joined.AsSpan(0, _heldLength + text.Length);
        }

        try
        {
            _matches.Clear();
            int settled = ScanWindows(work, isFinal, out int dropLength);
            foreach (PiiMatch match in _matches)
            {
                auditor?.Record(callerId, direction, match.EntityType, _offset + match.Start, work.Slice(match.Start, match.Length), mode);
                found?.Add(match with { Start = (int)(_offset + match.Start) });
            }

            LlmTextScanStatus status;
            if (mode == PiiMode.Detect)
            {
                status = LlmTextScanStatus.Unchanged;
            }
            else if (mode == PiiMode.Block && _matches.Count > 0)
            {
                _blocked = [.. _matches.Select(m => m.EntityType).Distinct(StringComparer.Ordinal)];
                if (auditor is not null)
                {
                    PiiLog.Blocked(auditor.Logger, direction, callerId, string.Join(", ", _blocked));
                }

                return LlmTextScanStatus.Blocked;
            }
            else if (_matches.Count == 0 && dropLength == 0 && !hadHeld && settled == work.Length)
            {
                status = LlmTextScanStatus.Unchanged;
            }
            else
            {
                WriteReleased(work[..settled], dropLength, output);
                status = LlmTextScanStatus.Rewritten;
            }

            Settle(work, settled);
            return status;
        }
        finally
        {
            if (joined is not null)
            {
                // Wiped like the held bytes it copies: they may be the start of a key.
                joined.AsSpan(0, work.Length).Clear();
                ArrayPool<byte>.Shared.Return(joined);
            }
        }
    }

    public void Dispose()
    {
        if (_held is not null)
        {
            Array.Clear(_held);
            ArrayPool<byte>.Shared.Return(_held);
            _held = null;
        }

        _heldLength = 0;
    }

    /// <summary>
    /// Scans <paramref name="work"/> window by window into <see cref="_matches"/>: a value that outgrew the cap is one
    /// match from its start to where its grammar ends (or the end of <paramref name="work"/>); the continuation of a
    /// value that overflowed in an earlier piece is dropped (<paramref name="dropLength"/> bytes at the start).
    /// </summary>
    /// <returns>The settled length: what can be released.</returns>
    private int ScanWindows(ReadOnlySpan<byte> work, bool isFinal, out int dropLength)
    {
        int pos = 0;
        dropLength = 0;
        if (_overflow.IsActive)
        {
            pos = dropLength = _overflow.Consume(work);
            // Stryker disable once Block : without the return the loop scans the empty rest and returns the same length.
            if (_overflow.IsActive)
            {
                return work.Length;
            }
        }

        Span<byte> context = stackalloc byte[PiiEngine.ContextBytes];
        while (true)
        {
            int windowEnd = (int)Math.Min(work.Length, (long)pos + maxHold + 1);
            bool windowFinal = isFinal && windowEnd == work.Length;
            _window.Clear();
            PiiScanResult result = engine.Scan(work[pos..windowEnd], ContextBefore(work, pos, context), windowFinal, _window);
            int settled = windowFinal ? windowEnd : pos + Math.Clamp(result.SettledLength, 0, windowEnd - pos);
            foreach (PiiMatch match in _window)
            {
                if (match.Start >= 0 && pos + match.End <= settled)
                {
                    _matches.Add(match with { Start = match.Start + pos });
                }
            }

            if (windowEnd - settled > maxHold)
            {
                // Undecided past the cap: redacted from its start through whatever still belongs to it.
                string type = result.PendingEntityType ?? PiiEntityTypes.PrivateKey;
                PiiLog.HoldBackCapReached(auditor?.Logger ?? NullLogger.Instance, windowEnd - settled, direction, callerId, type);
                _overflow.Start(type);
                int consumed = _overflow.Consume(work[settled..]);
                if (consumed == 0)
                {
                    _overflow = default;
                    consumed = windowEnd - settled;
                }

                _matches.Add(new PiiMatch(settled, consumed, type));
                pos = settled + consumed;
                // Stryker disable once Block : as at the top: the loop would scan the empty rest and return the same.
                if (_overflow.IsActive)
                {
                    return work.Length;
                }

                continue;
            }

            if (windowEnd == work.Length)
            {
                return settled;
            }

            pos = settled;
        }
    }

    /// <summary>The (up to 32) bytes before <paramref name="pos"/>: from the work, topped up with the kept context.</summary>
    private ReadOnlySpan<byte> ContextBefore(ReadOnlySpan<byte> work, int pos, Span<byte> buffer)
    {
        // Stryker disable once Equality : at pos == 32 the branch below copies the same 32 bytes.
        if (pos >= buffer.Length)
        {
            return work[(pos - buffer.Length)..pos];
        }

        int fromContext = Math.Min(_contextLength, buffer.Length - pos);
        _context.AsSpan(_contextLength - fromContext, fromContext).CopyTo(buffer);
        work[..pos].CopyTo(buffer[fromContext..]);
        return buffer[..(fromContext + pos)];
    }

    private void WriteReleased(ReadOnlySpan<byte> released, int dropLength, IBufferWriter<byte> output)
    {
        int at = dropLength;
        foreach (PiiMatch match in _matches)
        {
            output.Write(released[at..match.Start]);
            replacer.Write(match.EntityType, released.Slice(match.Start, match.Length), output);
            at = match.End;
        }

        output.Write(released[at..]);
    }

    /// <summary>Keeps the context (last settled bytes) and the unsettled tail for the next piece.</summary>
    private void Settle(ReadOnlySpan<byte> work, int settled)
    {
        ReadOnlySpan<byte> released = work[..settled];
        // Stryker disable once Equality : for exactly 32 released bytes the branch below keeps the same 32.
        if (released.Length >= _context.Length)
        {
            released[^_context.Length..].CopyTo(_context);
            _contextLength = _context.Length;
        }
        else
        {
            int keep = Math.Min(_contextLength, _context.Length - released.Length);
            _context.AsSpan(_contextLength - keep, keep).CopyTo(_context);
            released.CopyTo(_context.AsSpan(keep));
            _contextLength = keep + released.Length;
        }

        _offset += settled;
        ReadOnlySpan<byte> tail = work[settled..];
        // Stryker disable once Equality,NullCoalescing : renting when the tail would fit changes only which pooled buffer holds it.
        if (tail.Length > (_held?.Length ?? 0))
        {
            byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Max(tail.Length, 64));
            if (_held is not null)
            {
                _held.AsSpan(0, _heldLength).Clear();
                ArrayPool<byte>.Shared.Return(_held);
            }

            _held = larger;
        }

        tail.CopyTo(_held);
        _heldLength = tail.Length;
    }
}
