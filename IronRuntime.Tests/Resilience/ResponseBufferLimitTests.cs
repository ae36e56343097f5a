using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using IronRuntime.Resilience;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IronRuntime.Tests.Resilience;

/// <summary>
/// The resilience stage reads a non-streaming answer whole (so that a body cut short can be retried) and is the first to
/// read it: <c>Router:MaxResponseBodyBytes</c> bounds what it reads, whatever the provider sends.
/// </summary>
public sealed class ResponseBufferLimitTests
{
    private const int Limit = 4096;
    private const long Sent = 8L * 1024 * 1024;
    private const string Body = """{"model":"gpt-4o-mini","max_completion_tokens":50,"messages":[{"role":"user","content":"Hello"}]}""";

    [Test]
    [CancelAfter(60_000)]
    public async Task ChunkedAnswerOverLimit_ReadNoFurtherThanTheLimit_502(CancellationToken cancellationToken)
    {
        var upstream = new EndlessUpstream(declareLength: false);
        await using var runtime = Build(upstream);
        using var client = runtime.CreateHttpClient("a1");

        using var response = await client.PostAsync("https://api.openai.com/v1/chat/completions", new StringContent(Body, Encoding.UTF8, "application/json"), cancellationToken);
        using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadGateway));
            Assert.That(error.RootElement.GetProperty("error").GetProperty("type").GetString(), Is.EqualTo("iron_runtime_upstream_error"));
            Assert.That(upstream.Calls, Is.EqualTo(1), "too large is not a provider failure: not retried");
            // The limit plus at most one read buffer, not the 8 MiB the provider would go on sending.
            Assert.That(upstream.BytesRead, Is.LessThanOrEqualTo(Limit + (256 * 1024)));
        });
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task DeclaredLengthOverLimit_RefusedBeforeAByteIsRead_502(CancellationToken cancellationToken)
    {
        var upstream = new EndlessUpstream(declareLength: true);
        await using var runtime = Build(upstream);
        using var client = runtime.CreateHttpClient("a1");

        using var response = await client.PostAsync("https://api.openai.com/v1/chat/completions", new StringContent(Body, Encoding.UTF8, "application/json"), cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadGateway));
            Assert.That(upstream.Calls, Is.EqualTo(1));
            Assert.That(upstream.BytesRead, Is.Zero);
        });
    }

    private static AgentRuntime Build(HttpMessageHandler upstream)
    {
        var builder = AgentRuntime.CreateBuilder()
            .WithBudget(100m)
            .UseOpenAI("sk-test-openai", new Uri("https://api.openai.com/"))
            .Configure(c => c.Router.MaxResponseBodyBytes = Limit)
            .ConfigureResilience(o => { o.Enabled = true; o.MaxRetryAttempts = 2; })
            .ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        builder.Services.AddHttpClient(IronRuntimeBuilder.UpstreamClientName).ConfigurePrimaryHttpMessageHandler(() => upstream);
        return builder.Build();
    }

    /// <summary>Answers 200 with 8 MiB of JSON-looking bytes, counting how many were read.</summary>
    private sealed class EndlessUpstream(bool declareLength) : HttpMessageHandler
    {
        private long _read;
        private int _calls;

        public long BytesRead => Interlocked.Read(ref _read);

        public int Calls => Volatile.Read(ref _calls);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new CountingStream(this)), RequestMessage = request };
            response.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            if (declareLength)
            {
                response.Content.Headers.ContentLength = Sent;
            }

            return Task.FromResult(response);
        }

        private sealed class CountingStream(EndlessUpstream owner) : Stream
        {
            private long _position;

            public override bool CanRead => true;

            public override bool CanSeek => false;

            public override bool CanWrite => false;

            public override long Length => throw new NotSupportedException();

            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

            public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

            public override int Read(Span<byte> buffer)
            {
                int n = (int)Math.Min(buffer.Length, Sent - _position);
                buffer[..n].Fill((byte)' ');
                if (_position == 0 && n > 0)
                {
                    buffer[0] = (byte)'{';
                }

                _position += n;
                Interlocked.Add(ref owner._read, n);
                return n;
            }

            public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

            public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer.AsSpan(offset, count)));

            public override void Flush()
            {
            }

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();

            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        }
    }
}
