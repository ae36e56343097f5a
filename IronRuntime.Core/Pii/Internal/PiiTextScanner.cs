using System.Buffers;
using IronRuntime.Router;

namespace IronRuntime.Pii.Internal;

/// <summary>
/// The scanner of one logical text stream: keeps the unsettled tail (what could still be the start of a value) and
/// the last settled bytes (context for boundaries), releases the settled text with its values replaced, counts and
/// audits each value once.
/// </summary>
/// <remarks>
/// A piece with nothing held before it, nothing found in it and nothing to hold after it is answered
/// <see cref="LlmTextScanStatus.Unchanged"/> without a copy. In <see cref="PiiMode.Detect"/> the text always passes
/// unchanged (the tail is copied only to scan it with the next piece).
/// </remarks>
internal sealed class PiiTextScanner : ILlmTextScanner
{
    private readonly IPiiEngine _engine;
    private readonly PiiReplacer _replacer;
    private readonly PiiAuditor? _auditor;
    private readonly LlmCall _call;
    private readonly LlmContentDirection _direction;
    private readonly PiiMode _mode;
    private readonly int _maxHold;
    private readonly List<PiiMatch> _matches = [];
    private readonly byte[] _context = new byte[PiiEngine.ContextBytes];
    private byte[]? _held;
    private int _heldLength;
    private int _contextLength;
    private long _offset;
    private List<string>? _blocked;

    public PiiTextScanner(IPiiEngine engine, PiiReplacer replacer, PiiAuditor? auditor, LlmCall call, LlmContentDirection direction, PiiMode mode, int maxHold)
    {
        _engine = engine;
        _replacer = replacer;
        _auditor = auditor;
        _call = call;
        _direction = direction;
        _mode = mode;
        _maxHold = maxHold;
    }

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
            PiiScanResult result = _engine.Scan(work, _context.AsSpan(0, _contextLength), isFinal, _matches);
            int settled = Math.Clamp(result.SettledLength, 0, work.Length);
            if (work.Length - settled > _maxHold)
            {
                // Past the cap the whole ambiguous run is redacted, never released raw.
                string type = result.PendingEntityType ?? PiiEntityTypes.PrivateKey;
                PiiLog.HoldBackCapReached(_auditor?.Logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, work.Length - settled, _direction, _call.CallerId, type);
                _matches.Add(new PiiMatch(settled, work.Length - settled, type));
                settled = work.Length;
            }

            if (_matches.Count > 0 && _auditor is not null)
            {
                foreach (PiiMatch match in _matches)
                {
                    _auditor.Record(_call, _direction, match.EntityType, _offset + match.Start, work.Slice(match.Start, match.Length), _mode);
                }
            }

            LlmTextScanStatus status;
            if (_mode == PiiMode.Detect)
            {
                status = LlmTextScanStatus.Unchanged;
            }
            else if (_mode == PiiMode.Block && _matches.Count > 0)
            {
                _blocked = [.. _matches.Select(m => m.EntityType).Distinct(StringComparer.Ordinal)];
                if (_auditor is not null)
                {
                    PiiLog.Blocked(_auditor.Logger, _direction, _call.CallerId, string.Join(", ", _blocked));
                }

                return LlmTextScanStatus.Blocked;
            }
            else if (_matches.Count == 0 && !hadHeld && settled == work.Length)
            {
                status = LlmTextScanStatus.Unchanged;
            }
            else
            {
                WriteReleased(work[..settled], output);
                status = LlmTextScanStatus.Rewritten;
            }

            Settle(work, settled);
            return status;
        }
        finally
        {
            if (joined is not null)
            {
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

    private void WriteReleased(ReadOnlySpan<byte> released, IBufferWriter<byte> output)
    {
        int at = 0;
        foreach (PiiMatch match in _matches)
        {
            output.Write(released[at..match.Start]);
            _replacer.Write(match.EntityType, released.Slice(match.Start, match.Length), output);
            at = match.End;
        }

        output.Write(released[at..]);
    }

    /// <summary>Keeps the context (last settled bytes) and the unsettled tail for the next piece.</summary>
    private void Settle(ReadOnlySpan<byte> work, int settled)
    {
        if (settled > 0)
        {
            ReadOnlySpan<byte> released = work[..settled];
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
        }

        _offset += settled;
        ReadOnlySpan<byte> tail = work[settled..];
        if (tail.Length > (_held?.Length ?? 0))
        {
            byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Max(tail.Length, 64));
            if (_held is not null)
            {
                ArrayPool<byte>.Shared.Return(_held);
            }

            _held = larger;
        }

        tail.CopyTo(_held);
        _heldLength = tail.Length;
    }
}
