using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace IronRuntime.Tests.Admission;

/// <summary>
/// A provider for admission tests, in memory: every call gets 200 and a server-sent-events stream that sends one SSE
/// comment at once, then holds until <see cref="Release"/>, then ends with <c>[DONE]</c>. Counts the calls it saw.
/// </summary>
internal sealed class HeldStreamUpstream : HttpMessageHandler
{
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public void Release() => _release.TrySetResult();

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        var response = new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StreamContent(new HeldStream(_release.Task)),
            RequestMessage = request,
        };
        response.Content.Headers.ContentType = new MediaTypeHeaderValue("text/event-stream");
        return Task.FromResult(response);
    }

    private sealed class HeldStream(Task release) : Stream
    {
        private static readonly byte[] First = Encoding.ASCII.GetBytes(": held\n\n");
        private static readonly byte[] Last = Encoding.ASCII.GetBytes("data: [DONE]\n\n");
        private int _step;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (buffer.IsEmpty)
            {
                // A zero-byte read (the router's pipe reader waits this way): complete when data is available.
                if (_step == 1)
                {
                    await release.WaitAsync(cancellationToken);
                }

                return 0;
            }

            switch (_step++)
            {
                case 0:
                    First.CopyTo(buffer);
                    return First.Length;
                case 1:
                    await release.WaitAsync(cancellationToken);
                    Last.CopyTo(buffer);
                    return Last.Length;
                default:
                    return 0;
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
