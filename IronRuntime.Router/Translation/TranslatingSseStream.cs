using System.Buffers;
using System.IO.Pipelines;
using IronRuntime.Router.Internal;
using IronRuntime.Router.Streaming;

namespace IronRuntime.Router.Translation;

/// <summary>
/// A provider's event stream read through an <see cref="ISseTranslator"/>: complete upstream events are split on the
/// byte level (<see cref="SseEventReader"/>) and the translated events handed out. The end of the upstream ends this
/// stream; nothing is invented, so a stream cut short still looks cut short to the metering above.
/// </summary>
internal sealed class TranslatingSseStream : ReadOnlyStream
{
    private readonly PipeReader _reader;
    private readonly SseEventReader _events;
    private readonly ISseTranslator _translator;
    private readonly ArrayBufferWriter<byte> _output = new(4096);
    private byte[] _data = [];
    private int _handedOut;
    private bool _ended;
    private bool _disposed;

    /// <summary>Creates the stream.</summary>
    /// <param name="upstream">The provider's body; owned.</param>
    /// <param name="translator">The translation.</param>
    /// <param name="maxEventBytes">The largest upstream event accepted.</param>
    public TranslatingSseStream(Stream upstream, ISseTranslator translator, int maxEventBytes = SseEventReader.DefaultMaxEventBytes)
    {
        ArgumentNullException.ThrowIfNull(upstream);
        ArgumentNullException.ThrowIfNull(translator);
        _translator = translator;
        _events = new SseEventReader(maxEventBytes);
        _reader = PipeReader.Create(upstream, new StreamPipeReaderOptions(leaveOpen: false));
    }

    /// <inheritdoc />
    public override bool CanRead => !_disposed;

    /// <inheritdoc />
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (true)
        {
            int available = _output.WrittenCount - _handedOut;
            if (available > 0)
            {
                int n = Math.Min(available, buffer.Length);
                _output.WrittenSpan.Slice(_handedOut, n).CopyTo(buffer.Span);
                _handedOut += n;
                return n;
            }

            _output.ResetWrittenCount();
            _handedOut = 0;
            if (_ended)
            {
                return 0;
            }

            ReadResult result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            ReadOnlySequence<byte> rest = result.Buffer;
            try
            {
                Translate(ref rest);
            }
            catch (System.Text.Json.JsonException ex)
            {
                throw new IOException("The upstream stream sent an event that is not valid JSON: " + ex.Message, ex);
            }
            finally
            {
                _reader.AdvanceTo(rest.Start, result.Buffer.End);
            }

            if (result.IsCompleted)
            {
                _ended = true;
            }
        }
    }

    /// <inheritdoc />
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            _reader.Complete();
        }

        base.Dispose(disposing);
    }

    private void Translate(ref ReadOnlySequence<byte> buffer)
    {
        Span<byte> name = stackalloc byte[64];
        while (true)
        {
            SseReadStatus status = _events.TryReadEvent(ref buffer, out SseEvent evt);
            if (status == SseReadStatus.NeedMoreData)
            {
                return;
            }

            if (status == SseReadStatus.EventTooLarge)
            {
                throw new IOException($"An event of the upstream stream exceeded the limit of {_events.MaxEventBytes} bytes.");
            }

            if (!evt.HasData)
            {
                continue;
            }

            int nameLength = (int)Math.Min(evt.Name.Length, name.Length);
            evt.Name.Slice(0, nameLength).CopyTo(name);
            if (evt.TryGetContiguousData(out ReadOnlySpan<byte> data))
            {
                _translator.Translate(name[..nameLength], data, _output);
            }
            else
            {
                if (_data.Length < evt.DataLength)
                {
                    _data = new byte[Math.Max(evt.DataLength, _data.Length * 2)];
                }

                int length = evt.CopyDataTo(_data);
                _translator.Translate(name[..nameLength], _data.AsSpan(0, length), _output);
            }
        }
    }
}
