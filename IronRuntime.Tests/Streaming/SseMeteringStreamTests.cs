using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using IronRuntime.Router;
using IronRuntime.Router.Streaming;

namespace IronRuntime.Tests.Streaming;

public sealed class SseMeteringStreamTests
{
    private static readonly LlmApi[] Apis = [LlmApi.ChatCompletions, LlmApi.Responses, LlmApi.Messages];

    [Test]
    public async Task ReadAsync_RealisticStream_ForwardsIdenticalBytesAndReportedUsage(
        [ValueSource(nameof(Apis))] LlmApi api,
        [Values(1, 5, 4096)] int upstreamBytesPerRead,
        [Values(1, 17, 81920)] int readSize)
    {
        byte[] input = SseSamples.Bytes(SseSamples.For(api));
        var upstream = TestUpstream.Of(input, upstreamBytesPerRead);
        var completion = new RecordingCompletion();
        LlmCall call = NewCall(api);

        byte[] output;
        using (var stream = new SseMeteringStream(upstream, call, completion))
        {
            output = await ReadAllAsync(stream, readSize);
        }

        Assert.Multiple(() =>
        {
            Assert.That(output, Is.EqualTo(input));
            Assert.That(completion.SingleOutcome, Is.EqualTo(LlmCallOutcome.Succeeded));
            Assert.That(call.Usage, Is.EqualTo(SseSamples.UsageFor(api)));
            Assert.That(call.UsageReported, Is.True);
            Assert.That(call.ResponseModel, Is.EqualTo(SseSamples.ModelFor(api)));
            Assert.That(upstream.IsDisposed, Is.True);
        });
    }

    [Test]
    public async Task ReadAsync_TinyPipeBuffersAndOneByteUpstreamReads_ForwardsIdenticalBytes(
        [ValueSource(nameof(Apis))] LlmApi api,
        [Values(1, 16, 100)] int pipeBufferSize)
    {
        byte[] input = SseSamples.Bytes(SseSamples.For(api));
        var completion = new RecordingCompletion();
        LlmCall call = NewCall(api);
        using var stream = new SseMeteringStream(TestUpstream.Of(input, 1), call, completion, pipeBufferSize: pipeBufferSize);

        byte[] output = await ReadAllAsync(stream, 7);

        Assert.That(output, Is.EqualTo(input));
        Assert.That(call.Usage, Is.EqualTo(SseSamples.UsageFor(api)));
        Assert.That(completion.SingleOutcome, Is.EqualTo(LlmCallOutcome.Succeeded));
    }

    [TestCaseSource(nameof(Apis))]
    public async Task ReadAsync_UpstreamSplitAtEveryBytePosition_ForwardsIdenticalBytesAndUsage(LlmApi api)
    {
        byte[] input = SseSamples.Bytes(SseSamples.For(api));

        for (int split = 1; split < input.Length; split++)
        {
            var completion = new RecordingCompletion();
            LlmCall call = NewCall(api);
            using var stream = new SseMeteringStream(new TestUpstream(input[..split], input[split..]), call, completion);

            byte[] output = await ReadAllAsync(stream, 4096);

            Assert.That(output, Is.EqualTo(input), $"split at {split}");
            Assert.That(call.Usage, Is.EqualTo(SseSamples.UsageFor(api)), $"split at {split}");
            Assert.That(completion.SingleOutcome, Is.EqualTo(LlmCallOutcome.Succeeded), $"split at {split}");
        }
    }

    [Test]
    public async Task ReadAsync_InjectedUsage_YieldsExactlyTheStreamWithoutUsage(
        [Values("\n", "\r\n", "\r")] string terminator,
        [Values(1, 7, 4096)] int upstreamBytesPerRead,
        [Values(1, 64, 81920)] int readSize)
    {
        byte[] input = SseSamples.Bytes(SseSamples.OpenAiChat(includeUsage: true, terminator));
        byte[] expected = SseSamples.Bytes(SseSamples.OpenAiChat(includeUsage: false, terminator));
        var completion = new RecordingCompletion();
        LlmCall call = NewCall(LlmApi.ChatCompletions, injectedUsage: true);
        using var stream = new SseMeteringStream(TestUpstream.Of(input, upstreamBytesPerRead), call, completion);

        byte[] output = await ReadAllAsync(stream, readSize);

        Assert.Multiple(() =>
        {
            Assert.That(Encoding.UTF8.GetString(output), Is.EqualTo(Encoding.UTF8.GetString(expected)));
            Assert.That(call.Usage, Is.EqualTo(SseSamples.ChatUsage));
            Assert.That(call.UsageReported, Is.True);
            Assert.That(completion.SingleOutcome, Is.EqualTo(LlmCallOutcome.Succeeded));
        });
    }

    [TestCase("\n")]
    [TestCase("\r\n")]
    public async Task ReadAsync_InjectedUsageSplitAtEveryBytePosition_YieldsExactlyTheStreamWithoutUsage(string terminator)
    {
        byte[] input = SseSamples.Bytes(SseSamples.OpenAiChat(includeUsage: true, terminator));
        byte[] expected = SseSamples.Bytes(SseSamples.OpenAiChat(includeUsage: false, terminator));

        for (int split = 1; split < input.Length; split++)
        {
            LlmCall call = NewCall(LlmApi.ChatCompletions, injectedUsage: true);
            using var stream = new SseMeteringStream(new TestUpstream(input[..split], input[split..]), call, new RecordingCompletion());

            byte[] output = await ReadAllAsync(stream, 81920);

            Assert.That(output, Is.EqualTo(expected), $"split at {split}");
            Assert.That(call.Usage, Is.EqualTo(SseSamples.ChatUsage), $"split at {split}");
        }
    }

    [Test]
    public async Task ReadAsync_IncludeUsageRequestedByTheClient_ForwardsTheUsageChunk()
    {
        byte[] input = SseSamples.Bytes(SseSamples.OpenAiChat(includeUsage: true));
        LlmCall call = NewCall(LlmApi.ChatCompletions, injectedUsage: false);
        using var stream = new SseMeteringStream(TestUpstream.Of(input), call, new RecordingCompletion());

        byte[] output = await ReadAllAsync(stream, 81920);

        Assert.That(output, Is.EqualTo(input));
    }

    [TestCaseSource(nameof(Apis))]
    public void Read_SynchronousOneByteReads_ForwardsIdenticalBytes(LlmApi api)
    {
        byte[] input = SseSamples.Bytes(SseSamples.For(api));
        var completion = new RecordingCompletion();
        LlmCall call = NewCall(api);
        using var stream = new SseMeteringStream(TestUpstream.Of(input, 3), call, completion);

        var output = new List<byte>();
        int b;
        while ((b = stream.ReadByte()) >= 0)
        {
            output.Add((byte)b);
        }

        Assert.That(output, Is.EqualTo(input));
        Assert.That(call.Usage, Is.EqualTo(SseSamples.UsageFor(api)));
        Assert.That(completion.SingleOutcome, Is.EqualTo(LlmCallOutcome.Succeeded));
    }

    [TestCaseSource(nameof(Apis))]
    public async Task CopyToAsync_RealisticStream_ForwardsIdenticalBytes(LlmApi api)
    {
        byte[] input = SseSamples.Bytes(SseSamples.For(api));
        var completion = new RecordingCompletion();
        using var stream = new SseMeteringStream(TestUpstream.Of(input, 1000), NewCall(api), completion);
        using var destination = new MemoryStream();

        await stream.CopyToAsync(destination);

        Assert.That(destination.ToArray(), Is.EqualTo(input));
        Assert.That(completion.SingleOutcome, Is.EqualTo(LlmCallOutcome.Succeeded));
    }

    [TestCaseSource(nameof(Apis))]
    public async Task ReadAsync_OneByteUpstreamAndOneByteReads_HandsOutEachEventOnlyOnceCompleteAndAtOnce(LlmApi api)
    {
        string text = SseSamples.For(api);
        byte[] input = SseSamples.Bytes(text);
        int[] eventEnds = EventEnds(input);
        var upstream = new CountingUpstream(input);
        using var stream = new SseMeteringStream(upstream, NewCall(api), new RecordingCompletion());

        var output = new List<byte>();
        byte[] one = new byte[1];
        int nextEvent = 0;
        while (await stream.ReadAsync(one) == 1)
        {
            int position = output.Count;
            output.Add(one[0]);
            while (eventEnds[nextEvent] <= position)
            {
                nextEvent++;
            }

            // Never earlier: the event this byte belongs to has fully arrived from upstream.
            Assert.That(upstream.Delivered, Is.GreaterThanOrEqualTo(eventEnds[nextEvent]), $"byte {position}");
            if (position == (nextEvent == 0 ? 0 : eventEnds[nextEvent - 1]))
            {
                // Not later: the event is handed out as soon as its last byte arrived, without reading further.
                Assert.That(upstream.Delivered, Is.EqualTo(eventEnds[nextEvent]), $"event starting at {position}");
            }
        }

        Assert.That(output, Is.EqualTo(input));
    }

    [TestCaseSource(nameof(Apis))]
    public async Task ReadAsync_EventArrivingInPieces_CompletesOnlyWhenTheEventIsComplete(LlmApi api)
    {
        byte[] input = SseSamples.Bytes(SseSamples.For(api));
        int[] eventEnds = EventEnds(input);
        var pipe = new Pipe(new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false));
        var completion = new RecordingCompletion();
        LlmCall call = NewCall(api);
        using var stream = new SseMeteringStream(pipe.Reader.AsStream(), call, completion);
        byte[] buffer = new byte[3];
        var output = new List<byte>();
        int start = 0;

        foreach (int end in eventEnds)
        {
            // All but the last byte of the event: nothing may come out.
            await pipe.Writer.WriteAsync(input.AsMemory(start, end - start - 1));
            ValueTask<int> read = stream.ReadAsync(buffer);
            Assert.That(read.IsCompleted, Is.False, $"event ending at {end} was handed out before it was complete");

            // Its last byte: the read completes with the start of the event, and the rest follows without waiting.
            await pipe.Writer.WriteAsync(input.AsMemory(end - 1, 1));
            Assert.That(read.IsCompleted, Is.True, $"event ending at {end} was not handed out when complete");
            int n = await read;
            output.AddRange(buffer.AsSpan(0, n).ToArray());
            while (output.Count < end)
            {
                ValueTask<int> more = stream.ReadAsync(buffer);
                Assert.That(more.IsCompleted, Is.True, $"rest of event ending at {end} was held back");
                n = await more;
                output.AddRange(buffer.AsSpan(0, n).ToArray());
            }

            Assert.That(output, Has.Count.EqualTo(end), "a read crossed into the next event");
            start = end;
        }

        await pipe.Writer.CompleteAsync();
        Assert.That(await stream.ReadAsync(buffer), Is.Zero);
        Assert.That(output, Is.EqualTo(input));
        Assert.That(completion.SingleOutcome, Is.EqualTo(LlmCallOutcome.Succeeded));
        Assert.That(call.Usage, Is.EqualTo(SseSamples.UsageFor(api)));
    }

    [Test]
    public async Task ReadAsync_UpstreamEndsMidEvent_FailsWithEstimatedUsageAndForwardsOnlyCompleteEvents()
    {
        string sample = SseSamples.OpenAiChat(includeUsage: true);
        int fifthDelta = IndexOfNth(sample, "data: ", 5); // role chunk + four content chunks before it
        byte[] input = SseSamples.Bytes(sample[..(fifthDelta + 40)]);
        var completion = new RecordingCompletion();
        // A model without a known tokenizer: the output estimate is the forwarded text's UTF-8 bytes.
        LlmCall call = NewCall(LlmApi.ChatCompletions, injectedUsage: true, model: "my-finetune");
        using var stream = new SseMeteringStream(TestUpstream.Of(input, 100), call, completion);

        byte[] output = await ReadAllAsync(stream, 81920);

        string expected = SseSamples.OpenAiChat(includeUsage: false);
        Assert.Multiple(() =>
        {
            Assert.That(Encoding.UTF8.GetString(output), Is.EqualTo(expected[..IndexOfNth(expected, "data: ", 5)]));
            Assert.That(completion.SingleOutcome, Is.EqualTo(LlmCallOutcome.Failed));
            // "Hi" + " there" + "! Caf\u00e9" + " \u4e2d\u6587" = 2 + 6 + 7 + 7 UTF-8 bytes.
            Assert.That(completion.Calls[0].Usage, Is.EqualTo(new TokenUsage(0, 22)));
            Assert.That(call.UsageReported, Is.False);
        });
    }

    [Test]
    public async Task ReadAsync_AnthropicCutAfterSomeDeltas_SettlesReportedInputAndEstimatedOutput()
    {
        string sample = SseSamples.Anthropic();
        int fourthDelta = IndexOfNth(sample, "event: content_block_delta", 4);
        byte[] input = SseSamples.Bytes(sample[..(fourthDelta + 30)]);
        var completion = new RecordingCompletion();
        LlmCall call = NewCall(LlmApi.Messages);
        using var stream = new SseMeteringStream(TestUpstream.Of(input), call, completion);

        await ReadAllAsync(stream, 4096);

        Assert.That(completion.SingleOutcome, Is.EqualTo(LlmCallOutcome.Failed));
        // No tokenizer for Claude: the UTF-8 bytes of "Bonjour", " \u00e0", " vous", " \u4f60\u597d" (7 + 3 + 5 + 7).
        Assert.That(call.Usage, Is.EqualTo(SseSamples.AnthropicUsage with { OutputTokens = 22 }));
        Assert.That(call.ResponseModel, Is.EqualTo("claude-sonnet-4-5-20250929"));
    }

    [Test]
    public async Task ReadAsync_CleanEndWithoutTerminalEvent_EndsTheStreamAndFails()
    {
        string sample = SseSamples.Responses();
        string cut = sample[..sample.IndexOf("event: response.completed", StringComparison.Ordinal)];
        var completion = new RecordingCompletion();
        using var stream = new SseMeteringStream(TestUpstream.Of(SseSamples.Bytes(cut)), NewCall(LlmApi.Responses, model: "my-finetune"), completion);

        byte[] output = await ReadAllAsync(stream, 4096);

        Assert.That(Encoding.UTF8.GetString(output), Is.EqualTo(cut));
        Assert.That(completion.SingleOutcome, Is.EqualTo(LlmCallOutcome.Failed));
        // The UTF-8 bytes of the deltas "The answer is 42 \u2014 caf\u00e9 \U0001F600.": 3 + 7 + 3 + 3 + 15 + 1.
        Assert.That(completion.Calls[0].Usage, Is.EqualTo(new TokenUsage(0, 32)));
    }

    [Test]
    public async Task ReadAsync_UpstreamThrows_ThrowsIOExceptionSayingItEndedEarlyAndFailsOnce()
    {
        string sample = SseSamples.Anthropic();
        byte[] input = SseSamples.Bytes(sample[..(sample.Length / 2)]);
        var cause = new IOException("connection reset by peer");
        var upstream = new TestUpstream(input) { FailAtEnd = cause };
        var completion = new RecordingCompletion();
        LlmCall call = NewCall(LlmApi.Messages);
        using var stream = new SseMeteringStream(upstream, call, completion);

        IOException? error = Assert.ThrowsAsync<IOException>(async () => await ReadAllAsync(stream, 4096));

        Assert.That(error!.Message, Does.Contain("upstream stream ended early"));
        Assert.That(error.InnerException, Is.SameAs(cause));
        Assert.That(completion.SingleOutcome, Is.EqualTo(LlmCallOutcome.Failed));
        Assert.That(call.Usage.InputTokens, Is.EqualTo(SseSamples.AnthropicUsage.InputTokens));
        Assert.That(upstream.IsDisposed, Is.True);
        Assert.ThrowsAsync<IOException>(async () => _ = await stream.ReadAsync(new byte[10]));
        Assert.That(completion.Calls, Has.Count.EqualTo(1));
    }

    [Test]
    public void ReadAsync_EventLargerThanCap_ThrowsIOExceptionAndFails()
    {
        byte[] input = SseSamples.Bytes(SseSamples.OpenAiChat(includeUsage: true));
        var completion = new RecordingCompletion();
        var upstream = TestUpstream.Of(input, 64);
        using var stream = new SseMeteringStream(upstream, NewCall(LlmApi.ChatCompletions), completion, maxEventBytes: 200);

        IOException? error = Assert.ThrowsAsync<IOException>(async () => await ReadAllAsync(stream, 4096));

        Assert.That(error!.Message, Does.Contain("200 bytes"));
        Assert.That(completion.SingleOutcome, Is.EqualTo(LlmCallOutcome.Failed));
        Assert.That(upstream.IsDisposed, Is.True);
    }

    [Test]
    public async Task ReadAsync_ReaderCancels_ThrowsAndCancelsOnceWithEstimatedUsage()
    {
        string sample = SseSamples.OpenAiChat(includeUsage: true);
        string available = sample[..IndexOfNth(sample, "data: ", 4)]; // role chunk + three content chunks
        var upstream = new TestUpstream(SseSamples.Bytes(available)) { HangAtEnd = true };
        var completion = new RecordingCompletion();
        LlmCall call = NewCall(LlmApi.ChatCompletions, injectedUsage: true, model: "my-finetune");
        using var stream = new SseMeteringStream(upstream, call, completion);
        byte[] buffer = new byte[81920];
        int received = 0;
        while (received < SseSamples.Bytes(available.Replace(",\"usage\":null", string.Empty, StringComparison.Ordinal)).Length)
        {
            received += await stream.ReadAsync(buffer.AsMemory(received));
        }

        using var cts = new CancellationTokenSource();
        ValueTask<int> pending = stream.ReadAsync(buffer, cts.Token);
        Assert.That(pending.IsCompleted, Is.False);
        await cts.CancelAsync();

        Assert.That(async () => await pending, Throws.InstanceOf<OperationCanceledException>());
        Assert.That(completion.SingleOutcome, Is.EqualTo(LlmCallOutcome.Cancelled));
        Assert.That(completion.Calls[0].Usage, Is.EqualTo(new TokenUsage(0, 2 + 6 + 7)), "the UTF-8 bytes of \"Hi there! Caf\u00e9\"");
        Assert.That(upstream.IsDisposed, Is.True);

        await stream.DisposeAsync();
        Assert.That(completion.Calls, Has.Count.EqualTo(1));
    }

    [Test]
    public void ReadAsync_AlreadyCancelledToken_Cancels()
    {
        var completion = new RecordingCompletion();
        using var stream = new SseMeteringStream(TestUpstream.Of(SseSamples.Bytes(SseSamples.Anthropic())), NewCall(LlmApi.Messages), completion);

        Assert.That(async () => await stream.ReadAsync(new byte[16], new CancellationToken(canceled: true)), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(completion.SingleOutcome, Is.EqualTo(LlmCallOutcome.Cancelled));
    }

    [Test]
    public async Task Dispose_BeforeTheEnd_CancelsOnceAndDisposesUpstream()
    {
        byte[] input = SseSamples.Bytes(SseSamples.Responses());
        var upstream = TestUpstream.Of(input, 512);
        var completion = new RecordingCompletion();
        LlmCall call = NewCall(LlmApi.Responses);
        var stream = new SseMeteringStream(upstream, call, completion);
        Assert.That(await stream.ReadAsync(new byte[1024]), Is.GreaterThan(0));

        await stream.DisposeAsync();
        stream.Dispose();

        Assert.That(completion.SingleOutcome, Is.EqualTo(LlmCallOutcome.Cancelled));
        Assert.That(call.ResponseModel, Is.EqualTo("o4-mini-2025-04-16"));
        Assert.That(upstream.IsDisposed, Is.True);
        Assert.That(stream.CanRead, Is.False);
        Assert.ThrowsAsync<ObjectDisposedException>(async () => _ = await stream.ReadAsync(new byte[1]));
    }

    [Test]
    public async Task Dispose_DuringAPendingRead_CancelsAndTheReadReportsDisposal()
    {
        var upstream = new TestUpstream(SseSamples.Bytes(": keep-alive\n\n")) { HangAtEnd = true };
        var completion = new RecordingCompletion();
        var stream = new SseMeteringStream(upstream, NewCall(LlmApi.Messages), completion);
        byte[] buffer = new byte[64];
        Assert.That(await stream.ReadAsync(buffer), Is.EqualTo(14));
        ValueTask<int> pending = stream.ReadAsync(buffer);
        Assert.That(pending.IsCompleted, Is.False);

        stream.Dispose();

        Assert.That(async () => await pending, Throws.InstanceOf<ObjectDisposedException>());
        Assert.That(completion.SingleOutcome, Is.EqualTo(LlmCallOutcome.Cancelled));
        Assert.That(upstream.IsDisposed, Is.True);
    }

    [Test]
    public async Task Dispose_AfterTheTerminalEventButBeforeUpstreamEnds_Succeeds()
    {
        byte[] input = SseSamples.Bytes(SseSamples.Anthropic());
        var upstream = new TestUpstream(input) { HangAtEnd = true };
        var completion = new RecordingCompletion();
        LlmCall call = NewCall(LlmApi.Messages);
        var stream = new SseMeteringStream(upstream, call, completion);
        byte[] buffer = new byte[input.Length];
        int received = 0;
        while (received < input.Length)
        {
            received += await stream.ReadAsync(buffer.AsMemory(received));
        }

        await stream.DisposeAsync();

        Assert.That(completion.SingleOutcome, Is.EqualTo(LlmCallOutcome.Succeeded));
        Assert.That(call.Usage, Is.EqualTo(SseSamples.AnthropicUsage));
    }

    [Test]
    public async Task Dispose_AfterTheEnd_DoesNotCompleteAgain()
    {
        var completion = new RecordingCompletion();
        var stream = new SseMeteringStream(TestUpstream.Of(SseSamples.Bytes(SseSamples.Anthropic())), NewCall(LlmApi.Messages), completion);
        await ReadAllAsync(stream, 4096);

        stream.Dispose();

        Assert.That(completion.SingleOutcome, Is.EqualTo(LlmCallOutcome.Succeeded));
        Assert.That(completion.Calls, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task ReadAsync_UsageAndModel_AreKeptCurrentWhileStreaming()
    {
        string sample = SseSamples.Anthropic();
        byte[] input = SseSamples.Bytes(sample);
        int firstEventEnd = sample.IndexOf("\n\n", StringComparison.Ordinal) + 2;
        LlmCall call = NewCall(LlmApi.Messages);
        using var stream = new SseMeteringStream(TestUpstream.Of(input, firstEventEnd), call, new RecordingCompletion());

        int n = await stream.ReadAsync(new byte[firstEventEnd]);

        Assert.That(n, Is.EqualTo(firstEventEnd));
        Assert.That(call.ResponseModel, Is.EqualTo("claude-sonnet-4-5-20250929"));
        Assert.That(call.Usage.InputTokens, Is.EqualTo(2210));
        Assert.That(call.UsageReported, Is.False);
    }

    [Test]
    public async Task ReadAsync_ZeroByteRead_WaitsForAnEventWithoutConsumingIt()
    {
        byte[] input = SseSamples.Bytes(SseSamples.Anthropic());
        using var stream = new SseMeteringStream(TestUpstream.Of(input, 10), NewCall(LlmApi.Messages), new RecordingCompletion());

        Assert.That(await stream.ReadAsync(Memory<byte>.Empty), Is.Zero);
        byte[] output = await ReadAllAsync(stream, 4096);

        Assert.That(output, Is.EqualTo(input));
    }

    [NonParallelizable] // allocation counts: no other test may share the thread pool or the array pools meanwhile
    [Test]
    public void ReadAsync_ManyEvents_AllocatesNothingPerEvent()
    {
        // One pipe read holds the whole stream, so the number of upstream reads (which, in Debug builds, allocate
        // their async state machines) is the same for both sizes and the difference is what events cost.
        byte[] small = ChatStream(200);
        byte[] large = ChatStream(2000);
        Measure(small);
        Measure(large);

        long smallBytes = Measure(small);
        long largeBytes = Measure(large);

        Assert.That(largeBytes - smallBytes, Is.LessThan(256), $"200 events: {smallBytes} B, 2000 events: {largeBytes} B");

        static long Measure(byte[] input)
        {
            var completion = new RecordingCompletion();
            byte[] buffer = new byte[4096];
            long before = GC.GetAllocatedBytesForCurrentThread();
            using (var stream = new SseMeteringStream(new MemoryStream(input), NewCall(LlmApi.ChatCompletions, injectedUsage: true), completion, pipeBufferSize: 1 << 20))
            {
                while (true)
                {
                    ValueTask<int> read = stream.ReadAsync(buffer);
                    if (!read.IsCompletedSuccessfully)
                    {
                        Assert.Fail("everything is in memory: a read must complete synchronously");
                    }

                    if (read.Result == 0)
                    {
                        break;
                    }
                }
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.That(completion.SingleOutcome, Is.EqualTo(LlmCallOutcome.Succeeded));
            return allocated;
        }
    }

    [NonParallelizable] // allocation counts: no other test may share the thread pool or the array pools meanwhile
    [Test]
    public void Read_ManyEventsThroughSmallPipeSegments_AllocatesNothingPerEventOrRead()
    {
        byte[] small = ChatStream(200);
        byte[] large = ChatStream(2000);
        Measure(small);
        Measure(large);

        long smallBytes = Measure(small);
        long largeBytes = Measure(large);

        Assert.That(largeBytes - smallBytes, Is.LessThan(256), $"200 events: {smallBytes} B, 2000 events: {largeBytes} B");

        static long Measure(byte[] input)
        {
            var completion = new RecordingCompletion();
            Span<byte> buffer = stackalloc byte[1000];
            long before = GC.GetAllocatedBytesForCurrentThread();
            using (var stream = new SseMeteringStream(new MemoryStream(input), NewCall(LlmApi.ChatCompletions, injectedUsage: true), completion, pipeBufferSize: 4096))
            {
                while (stream.Read(buffer) > 0)
                {
                }
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.That(completion.SingleOutcome, Is.EqualTo(LlmCallOutcome.Succeeded));
            return allocated;
        }
    }

    private static byte[] ChatStream(int chunks)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < chunks; i++)
        {
            sb.Append("data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1754550000,\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" word\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\n\n");
        }

        sb.Append("data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1754550000,\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":")
          .Append(chunks).Append(",\"total_tokens\":").Append(chunks + 10).Append("}}\n\ndata: [DONE]\n\n");
        return SseSamples.Bytes(sb.ToString());
    }

    private static LlmCall NewCall(LlmApi api, bool injectedUsage = false, string model = "") => new("agent-1", 0)
    {
        Api = api,
        Model = model,
        Provider = api == LlmApi.Messages ? LlmProvider.Anthropic : LlmProvider.OpenAI,
        IsStreaming = true,
        InjectedStreamUsage = injectedUsage,
    };

    private static async Task<byte[]> ReadAllAsync(Stream stream, int readSize)
    {
        using var output = new MemoryStream();
        byte[] buffer = new byte[readSize];
        int n;
        while ((n = await stream.ReadAsync(buffer)) > 0)
        {
            output.Write(buffer, 0, n);
        }

        return output.ToArray();
    }

    /// <summary>The offset just past each complete event of <paramref name="input"/>.</summary>
    private static int[] EventEnds(byte[] input)
    {
        var reader = new SseEventReader();
        var buffer = new ReadOnlySequence<byte>(input);
        var ends = new List<int>();
        while (reader.TryReadEvent(ref buffer, out _) == SseReadStatus.Event)
        {
            ends.Add(input.Length - (int)buffer.Length);
        }

        return [.. ends];
    }

    private static int IndexOfNth(string text, string value, int n)
    {
        int index = -1;
        for (int i = 0; i <= n; i++)
        {
            index = text.IndexOf(value, index + 1, StringComparison.Ordinal);
        }

        return index;
    }

    /// <summary>An upstream that returns one byte per read and counts what it delivered.</summary>
    private sealed class CountingUpstream(byte[] bytes) : Stream
    {
        public int Delivered { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
            => new(Read(buffer.Span));

        public override int Read(Span<byte> buffer)
        {
            if (buffer.IsEmpty || Delivered == bytes.Length)
            {
                return 0;
            }

            buffer[0] = bytes[Delivered++];
            return 1;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
