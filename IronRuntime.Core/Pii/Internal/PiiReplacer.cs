using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Compliance.Redaction;

namespace IronRuntime.Pii.Internal;

/// <summary>
/// Writes the replacement of a value: the configured text or <c>[TYPE]</c>, or — with <see cref="PiiOptions.UseRedactors"/> —
/// what the <see cref="Redactor"/> registered for the type's classification makes of it.
/// </summary>
internal sealed class PiiReplacer
{
    private readonly PiiOptions _options;
    private readonly IRedactorProvider? _redactors;
    private readonly ConcurrentDictionary<string, byte[]> _markers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Redactor> _byType = new(StringComparer.Ordinal);

    public PiiReplacer(PiiOptions options, IRedactorProvider? redactors)
    {
        _options = options;
        _redactors = options.UseRedactors ? redactors ?? throw new InvalidOperationException("PiiOptions.UseRedactors is set but no IRedactorProvider is registered: call UsePiiRedactors(...) or services.AddRedaction(...).") : null;
    }

    public void Write(string entityType, ReadOnlySpan<byte> value, IBufferWriter<byte> output)
    {
        if (_redactors is null)
        {
            output.Write(_markers.GetOrAdd(entityType, static (type, options) =>
                Encoding.UTF8.GetBytes(options.Replacements.TryGetValue(type, out string? text) ? text : "[" + type + "]"), _options));
            return;
        }

        Redactor redactor = _byType.GetOrAdd(entityType, static (type, provider) => provider.GetRedactor(PiiEntityTypes.Classification(type)), _redactors);
        char[] source = ArrayPool<char>.Shared.Rent(Encoding.UTF8.GetMaxCharCount(value.Length));
        char[]? destination = null;
        try
        {
            int chars = Encoding.UTF8.GetChars(value, source);
            int length = redactor.GetRedactedLength(source.AsSpan(0, chars));
            destination = ArrayPool<char>.Shared.Rent(Math.Max(length, 1));
            int written = redactor.Redact(source.AsSpan(0, chars), destination);
            Span<byte> utf8 = output.GetSpan(Encoding.UTF8.GetMaxByteCount(written));
            output.Advance(Encoding.UTF8.GetBytes(destination.AsSpan(0, written), utf8));
        }
        finally
        {
            Array.Clear(source);
            ArrayPool<char>.Shared.Return(source);
            if (destination is not null)
            {
                ArrayPool<char>.Shared.Return(destination);
            }
        }
    }
}
