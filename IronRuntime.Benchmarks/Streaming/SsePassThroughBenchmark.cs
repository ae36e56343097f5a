using System.Text;
using BenchmarkDotNet.Attributes;
using IronRuntime.Router;
using IronRuntime.Router.Streaming;

namespace IronRuntime.Benchmarks.Streaming;

/// <summary>
/// Forwards a realistic OpenAI chat stream (one chunk per token, ~260 bytes each) from an in-memory upstream that
/// returns at most 16 KiB per read (like TLS records) through <see cref="SseMeteringStream"/> into
/// <see cref="Stream.Null"/> with <see cref="Stream.CopyToAsync(Stream)"/>, as <c>StreamContent</c> does; the baseline
/// copies the raw upstream.
/// </summary>
[MemoryDiagnoser]
public class SsePassThroughBenchmark
{
    private static readonly string[] Words = [" The", " quick", " brown", " fox", " caf\u00e9", " \u4e2d\u6587", " jumps", " over", " \ud83d\ude00", " dog", "."];

    private readonly NoCompletion _completion = new();
    private InMemoryUpstream _plain = null!;
    private InMemoryUpstream _withInjectedUsage = null!;

    /// <summary>The number of content chunks in the stream.</summary>
    [Params(1000, 10000)]
    public int Chunks { get; set; }

    /// <summary>Builds the two upstream bodies: as the client asked for it, and with injected include_usage.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _plain = new InMemoryUpstream(Build(Chunks, includeUsage: false));
        _withInjectedUsage = new InMemoryUpstream(Build(Chunks, includeUsage: true));
        Console.WriteLine($"// stream bytes: plain {_plain.Length}, with injected usage {_withInjectedUsage.Length}");
    }

    /// <summary>Copies the raw stream.</summary>
    [Benchmark(Baseline = true)]
    public Task RawCopy()
    {
        _plain.Rewind();
        return _plain.CopyToAsync(Stream.Null);
    }

    /// <summary>Forwards the stream through the metering stream (the client asked for no usage; nothing is cut).</summary>
    [Benchmark]
    public async Task Metered()
    {
        _plain.Rewind();
        await using var stream = new SseMeteringStream(_plain, NewCall(injectedUsage: false), _completion);
        await stream.CopyToAsync(Stream.Null);
    }

    /// <summary>Forwards the include_usage stream, cutting <c>"usage":null</c> from every chunk and dropping the usage chunk.</summary>
    [Benchmark]
    public async Task MeteredRemovingInjectedUsage()
    {
        _withInjectedUsage.Rewind();
        await using var stream = new SseMeteringStream(_withInjectedUsage, NewCall(injectedUsage: true), _completion);
        await stream.CopyToAsync(Stream.Null);
    }

    private static LlmCall NewCall(bool injectedUsage) => new("agent-1", 0)
    {
        Provider = LlmProvider.OpenAI,
        Api = LlmApi.ChatCompletions,
        IsStreaming = true,
        InjectedStreamUsage = injectedUsage,
    };

    private static byte[] Build(int chunks, bool includeUsage)
    {
        const string Head = "data: {\"id\":\"chatcmpl-C0mXq2bN7tYkVvR1sH8eLfP3aZ9uW\",\"object\":\"chat.completion.chunk\",\"created\":1754550000,"
            + "\"model\":\"gpt-4o-mini-2024-07-18\",\"service_tier\":\"default\",\"system_fingerprint\":\"fp_560af6e559\",\"choices\":[";
        string usageNull = includeUsage ? ",\"usage\":null" : string.Empty;
        var sb = new StringBuilder();
        sb.Append(Head).Append("{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}]").Append(usageNull).Append("}\n\n");
        for (int i = 0; i < chunks; i++)
        {
            sb.Append(Head).Append("{\"index\":0,\"delta\":{\"content\":\"").Append(Words[i % Words.Length])
              .Append("\"},\"logprobs\":null,\"finish_reason\":null}]").Append(usageNull).Append("}\n\n");
        }

        sb.Append(Head).Append("{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}]").Append(usageNull).Append("}\n\n");
        if (includeUsage)
        {
            sb.Append(Head).Append("],\"usage\":{\"prompt_tokens\":1153,\"completion_tokens\":").Append(chunks)
              .Append(",\"total_tokens\":").Append(1153 + chunks)
              .Append(",\"prompt_tokens_details\":{\"cached_tokens\":1024,\"audio_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0,\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}}}\n\n");
        }

        sb.Append("data: [DONE]\n\n");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    private sealed class NoCompletion : ILlmCallCompletion
    {
        public void Complete(LlmCall call, LlmCallOutcome outcome)
        {
        }
    }

    /// <summary>A non-seekable in-memory body returning at most 16 KiB per read; disposal is ignored so it can be rewound.</summary>
    private sealed class InMemoryUpstream(byte[] bytes) : Stream
    {
        private const int MaxRead = 16 * 1024;
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => bytes.Length;

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public void Rewind() => _position = 0;

        public override int Read(Span<byte> buffer)
        {
            int count = Math.Min(Math.Min(buffer.Length, MaxRead), bytes.Length - _position);
            bytes.AsSpan(_position, count).CopyTo(buffer);
            _position += count;
            return count;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
            => new(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
