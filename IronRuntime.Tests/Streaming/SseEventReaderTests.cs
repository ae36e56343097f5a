using System.Buffers;
using System.Text;
using IronRuntime.Router.Streaming;

namespace IronRuntime.Tests.Streaming;

public sealed class SseEventReaderTests
{
    [TestCase("\n")]
    [TestCase("\r")]
    [TestCase("\r\n")]
    public void TryReadEvent_AnyLineTerminator_ReadsFieldsAndRawExtent(string t)
    {
        string text = $"event: update{t}id: 7{t}data: first{t}data: second{t}{t}";

        List<Parsed> events = ReadAllContiguous(text);

        Assert.That(events, Has.Count.EqualTo(1));
        Assert.Multiple(() =>
        {
            Assert.That(events[0].Raw, Is.EqualTo(text));
            Assert.That(events[0].Name, Is.EqualTo("update"));
            Assert.That(events[0].Id, Is.EqualTo("7"));
            Assert.That(events[0].Data, Is.EqualTo("first\nsecond"));
            Assert.That(events[0].DataLines, Is.EqualTo(2));
        });
    }

    [Test]
    public void TryReadEvent_MixedTerminatorsInOneStream_SplitsEveryEvent()
    {
        const string Text = "data: a\r\n\r\ndata: b\n\ndata: c\r\rdata: d\n\r\n";

        List<Parsed> events = ReadAllContiguous(Text);

        Assert.That(events.Where(e => e.HasData).Select(e => e.Data), Is.EqualTo(new[] { "a", "b", "c", "d" }));
        Assert.That(string.Concat(events.Select(e => e.Raw)), Is.EqualTo(Text));
    }

    [Test]
    public void TryReadEvent_BomAtStreamStart_IsSkippedButForwarded()
    {
        const string Text = "\uFEFFdata: x\n\ndata: y\n\n";

        List<Parsed> events = ReadAllContiguous(Text);

        Assert.That(events.Select(e => e.Data), Is.EqualTo(new[] { "x", "y" }));
        Assert.That(events[0].Raw, Is.EqualTo("\uFEFFdata: x\n\n"));
    }

    [Test]
    public void TryReadEvent_BomLaterInStream_IsPartOfTheFieldName()
    {
        List<Parsed> events = ReadAllContiguous("data: a\n\n\uFEFFdata: b\n\n");

        Assert.That(events, Has.Count.EqualTo(2));
        Assert.That(events[1].HasData, Is.False);
    }

    [Test]
    public void TryReadEvent_CommentsAndKeepAlives_AreEventsWithoutData()
    {
        List<Parsed> events = ReadAllContiguous(": keep-alive\n\n: note\ndata: x\n\n\n");

        Assert.That(events, Has.Count.EqualTo(3));
        Assert.Multiple(() =>
        {
            Assert.That(events[0].HasData, Is.False);
            Assert.That(events[1].Data, Is.EqualTo("x"));
            Assert.That(events[2].Raw, Is.EqualTo("\n"));
            Assert.That(events[2].HasData, Is.False);
        });
    }

    [TestCase("data:x\n\n", "x")]
    [TestCase("data: x\n\n", "x")]
    [TestCase("data:  x\n\n", " x")]
    [TestCase("data\n\n", "")]
    [TestCase("data:\n\n", "")]
    [TestCase("data: a\ndata\ndata: b\n\n", "a\n\nb")]
    [TestCase("data: a\n: comment\nevent: e\ndata: b\n\n", "a\nb")]
    [TestCase("data: a\r\ndata:b\rdata:  c\n\n", "a\nb\n c")]
    [TestCase("data: {\"k\":\"v: w\"}\n\n", "{\"k\":\"v: w\"}")]
    public void TryReadEvent_DataVariants_JoinsValuesPerSpec(string text, string expected)
    {
        List<Parsed> events = ReadAllContiguous(text);

        Assert.That(events, Has.Count.EqualTo(1));
        Assert.That(events[0].Data, Is.EqualTo(expected));
    }

    [TestCase("event:ping\ndata: x\n\n", "ping")]
    [TestCase("event: a\nevent: b\ndata: x\n\n", "b")]
    [TestCase("event\ndata: x\n\n", "")]
    public void TryReadEvent_EventField_LastValueWins(string text, string expected)
    {
        List<Parsed> events = ReadAllContiguous(text);

        Assert.That(events[0].Name, Is.EqualTo(expected));
    }

    [TestCase("retry: 3000\ndata: x\n\n", 3000)]
    [TestCase("retry:15\ndata: x\n\n", 15)]
    [TestCase("retry: 3s\ndata: x\n\n", -1)]
    [TestCase("retry: 99999999999\ndata: x\n\n", -1)]
    [TestCase("data: x\n\n", -1)]
    public void TryReadEvent_RetryField_AcceptsOnlyDigits(string text, int expected)
    {
        List<Parsed> events = ReadAllContiguous(text);

        Assert.That(events[0].Retry, Is.EqualTo(expected));
    }

    [Test]
    public void TryReadEvent_IdWithNul_IsIgnored()
    {
        List<Parsed> events = ReadAllContiguous("id: a\0b\ndata: x\n\nid: ok\ndata: y\n\n");

        Assert.That(events.Select(e => e.Id), Is.EqualTo(new string?[] { null, "ok" }));
    }

    [Test]
    public void TryReadEvent_UnknownFieldsAndLongNames_AreIgnored()
    {
        List<Parsed> events = ReadAllContiguous("dataX: no\ndatum\nevents: no\nid:\ndata: yes\n\n");

        Assert.That(events[0].Data, Is.EqualTo("yes"));
        Assert.That(events[0].Name, Is.Null);
        Assert.That(events[0].Id, Is.EqualTo(string.Empty));
    }

    [Test]
    public void TryReadEvent_IncompleteEvent_NeedsMoreDataAndLeavesBufferUntouched()
    {
        var reader = new SseEventReader();
        ReadOnlySequence<byte> buffer = new(SseSamples.Bytes("data: x\n"));

        SseReadStatus status = reader.TryReadEvent(ref buffer, out _);

        Assert.That(status, Is.EqualTo(SseReadStatus.NeedMoreData));
        Assert.That(buffer.Length, Is.EqualTo(8));
    }

    [Test]
    public void TryReadEvent_EventLongerThanCap_IsTooLarge()
    {
        var reader = new SseEventReader(maxEventBytes: 32);
        ReadOnlySequence<byte> buffer = new(SseSamples.Bytes("data: " + new string('x', 40) + "\n\n"));

        Assert.That(reader.TryReadEvent(ref buffer, out _), Is.EqualTo(SseReadStatus.EventTooLarge));
    }

    [Test]
    public void TryReadEvent_PendingBytesReachCap_IsTooLargeBeforeTheEventEnds()
    {
        var reader = new SseEventReader(maxEventBytes: 32);
        ReadOnlySequence<byte> buffer = new(SseSamples.Bytes("data: " + new string('x', 26)));

        Assert.That(reader.TryReadEvent(ref buffer, out _), Is.EqualTo(SseReadStatus.EventTooLarge));
    }

    [Test]
    public void TryReadEvent_EventExactlyAtCap_IsAccepted()
    {
        string text = "data: " + new string('x', 24) + "\n\n";
        var reader = new SseEventReader(maxEventBytes: text.Length);
        ReadOnlySequence<byte> buffer = new(SseSamples.Bytes(text));

        Assert.That(reader.TryReadEvent(ref buffer, out SseEvent evt), Is.EqualTo(SseReadStatus.Event));
        Assert.That(evt.Raw.Length, Is.EqualTo(text.Length));
    }

    [Test]
    public void TryReadEvent_CrEndingTheBuffer_CompletesTheEventAtOnceAndPairsTheLaterLf()
    {
        var reader = new SseEventReader();
        byte[] all = SseSamples.Bytes("data: a\r\n\r\ndata: b\r\n\r\n");
        ReadOnlySequence<byte> buffer = new(all, 0, 10); // "data: a\r\n\r"

        Assert.That(reader.TryReadEvent(ref buffer, out SseEvent first), Is.EqualTo(SseReadStatus.Event));
        Assert.That(Encoding.UTF8.GetString(first.Raw), Is.EqualTo("data: a\r\n\r"));

        buffer = new ReadOnlySequence<byte>(all, 10, all.Length - 10);
        Assert.That(reader.TryReadEvent(ref buffer, out SseEvent lf), Is.EqualTo(SseReadStatus.Event));
        Assert.That(lf.ContinuesPreviousTerminator, Is.True);
        Assert.That(lf.Raw.Length, Is.EqualTo(1));

        Assert.That(reader.TryReadEvent(ref buffer, out SseEvent second), Is.EqualTo(SseReadStatus.Event));
        Assert.That(Encoding.UTF8.GetString(second.Data), Is.EqualTo("b"));
        Assert.That(buffer.IsEmpty, Is.True);
    }

    [Test]
    public void DropContinuation_AfterAnEventEndingInCr_ConsumesTheLaterLfWithoutReturningIt()
    {
        var reader = new SseEventReader();
        byte[] all = SseSamples.Bytes("data: a\r\n\r\ndata: b\r\n\r\n");
        ReadOnlySequence<byte> buffer = new(all, 0, 10); // "data: a\r\n\r"

        Assert.That(reader.TryReadEvent(ref buffer, out _), Is.EqualTo(SseReadStatus.Event));
        reader.DropContinuation(); // the caller does not forward "a": the LF of its terminator goes with it

        buffer = new ReadOnlySequence<byte>(all, 10, all.Length - 10);
        Assert.That(reader.TryReadEvent(ref buffer, out SseEvent second), Is.EqualTo(SseReadStatus.Event));
        Assert.Multiple(() =>
        {
            Assert.That(second.ContinuesPreviousTerminator, Is.False);
            Assert.That(Encoding.UTF8.GetString(second.Raw), Is.EqualTo("data: b\r\n\r\n"));
            Assert.That(buffer.IsEmpty, Is.True);
        });
    }

    [Test]
    public void DropContinuation_AfterAnEventEndingInLf_ChangesNothing()
    {
        var reader = new SseEventReader();
        var buffer = new ReadOnlySequence<byte>(SseSamples.Bytes("data: a\n\n\ndata: b\n\n"));

        Assert.That(reader.TryReadEvent(ref buffer, out _), Is.EqualTo(SseReadStatus.Event));
        reader.DropContinuation();

        // The next LF is a blank line of its own (an empty event), not part of the dropped event's terminator.
        Assert.That(reader.TryReadEvent(ref buffer, out SseEvent blank), Is.EqualTo(SseReadStatus.Event));
        Assert.That(Encoding.UTF8.GetString(blank.Raw), Is.EqualTo("\n"));
        Assert.That(reader.TryReadEvent(ref buffer, out SseEvent second), Is.EqualTo(SseReadStatus.Event));
        Assert.That(Encoding.UTF8.GetString(second.Data), Is.EqualTo("b"));
    }

    public static IEnumerable<TestCaseData> SplitSamples()
    {
        yield return new TestCaseData("chat-lf", SseSamples.OpenAiChat(includeUsage: true));
        yield return new TestCaseData("chat-crlf", SseSamples.OpenAiChat(includeUsage: true, "\r\n"));
        yield return new TestCaseData("chat-cr", SseSamples.OpenAiChat(includeUsage: false, "\r"));
        yield return new TestCaseData("anthropic", SseSamples.Anthropic());
        yield return new TestCaseData(
            "spec-mix",
            "\uFEFF: hello\r\nevent: caf\u00e9\r\nid: \u4e2d\r\nretry: 250\r\ndata: line \ud83d\ude00 one\r\ndata\rdata:two\n\n\r\n: x\rdata: \u00e9\u4e2d\ud83d\ude00\r\r");
    }

    [TestCaseSource(nameof(SplitSamples))]
    public void TryReadEvent_SplitAtEveryBytePosition_YieldsTheSameEvents(string name, string text)
    {
        byte[] bytes = SseSamples.Bytes(text);
        List<Parsed> expected = ReadAllContiguous(text);
        Assert.That(string.Concat(expected.Select(e => e.Raw)), Is.EqualTo(text), name);

        for (int split = 1; split < bytes.Length; split++)
        {
            // Both pieces present, as two segments.
            List<Parsed> twoSegments = ReadIncrementally(bytes, [bytes.Length], segments: [split]);
            // The first piece arrives alone, then the rest.
            List<Parsed> twoArrivals = ReadIncrementally(bytes, [split, bytes.Length], segments: [split]);

            Assert.That(Normalise(twoSegments), Is.EqualTo(Normalise(expected)), $"{name}: two segments split at {split}");
            Assert.That(Normalise(twoArrivals), Is.EqualTo(Normalise(expected)), $"{name}: two arrivals split at {split}");
            Assert.That(string.Concat(twoArrivals.Select(e => e.Raw)), Is.EqualTo(text), $"{name}: raw split at {split}");
        }
    }

    [TestCaseSource(nameof(SplitSamples))]
    public void TryReadEvent_OneByteAtATimeInOneByteSegments_YieldsTheSameEvents(string name, string text)
    {
        byte[] bytes = SseSamples.Bytes(text);
        List<Parsed> expected = ReadAllContiguous(text);
        int[] everyByte = Enumerable.Range(1, bytes.Length).ToArray();

        List<Parsed> actual = ReadIncrementally(bytes, everyByte, segments: everyByte);

        Assert.That(Normalise(actual), Is.EqualTo(Normalise(expected)), name);
        Assert.That(string.Concat(actual.Select(e => e.Raw)), Is.EqualTo(text), name);
    }

    [Test]
    public void TryReadEvent_MultiByteUtf8SplitAcrossSegments_KeepsDataBytesIntact()
    {
        const string Payload = "caf\u00e9 \u4e2d\u6587 \ud83d\ude00";
        byte[] bytes = SseSamples.Bytes("data: " + Payload + "\n\n");
        byte[] payload = SseSamples.Bytes(Payload);

        for (int split = 7; split < bytes.Length - 2; split++)
        {
            var reader = new SseEventReader();
            ReadOnlySequence<byte> buffer = SequenceBuilder.Create(bytes.AsMemory(0, split), bytes.AsMemory(split));

            Assert.That(reader.TryReadEvent(ref buffer, out SseEvent evt), Is.EqualTo(SseReadStatus.Event));
            byte[] data = new byte[evt.DataLength];
            evt.CopyDataTo(data);
            Assert.That(data, Is.EqualTo(payload), $"split at {split}");
            Assert.That(evt.Data.ToArray(), Is.EqualTo(payload), $"split at {split}");
        }
    }

    [Test]
    public void TryGetContiguousData_SingleLineInOneSegment_NeedsNoCopy()
    {
        var reader = new SseEventReader();
        ReadOnlySequence<byte> buffer = new(SseSamples.Bytes("data: {\"a\":1}\n\n"));

        reader.TryReadEvent(ref buffer, out SseEvent evt);

        Assert.That(evt.TryGetContiguousData(out ReadOnlySpan<byte> data), Is.True);
        Assert.That(Encoding.UTF8.GetString(data), Is.EqualTo("{\"a\":1}"));
    }

    [Test]
    public void TryGetContiguousData_SeveralDataLines_RequiresJoining()
    {
        var reader = new SseEventReader();
        ReadOnlySequence<byte> buffer = new(SseSamples.Bytes("data: {\"a\":\ndata: 1}\n\n"));

        reader.TryReadEvent(ref buffer, out SseEvent evt);

        Assert.That(evt.TryGetContiguousData(out _), Is.False);
        Assert.That(evt.DataLength, Is.EqualTo(8));
    }

    private static List<Parsed> ReadAllContiguous(string text)
    {
        byte[] bytes = SseSamples.Bytes(text);
        return ReadIncrementally(bytes, [bytes.Length], segments: []);
    }

    /// <summary>
    /// Feeds <paramref name="bytes"/> to a reader as they "arrive" (prefix lengths in <paramref name="arrivals"/>),
    /// laid out in segments that break at the offsets in <paramref name="segments"/>.
    /// </summary>
    private static List<Parsed> ReadIncrementally(byte[] bytes, int[] arrivals, int[] segments)
    {
        var reader = new SseEventReader();
        var events = new List<Parsed>();
        int consumed = 0;
        foreach (int available in arrivals)
        {
            ReadOnlySequence<byte> buffer = Slice(bytes, consumed, available, segments);
            while (true)
            {
                SseReadStatus status = reader.TryReadEvent(ref buffer, out SseEvent evt);
                Assert.That(status, Is.Not.EqualTo(SseReadStatus.EventTooLarge));
                if (status == SseReadStatus.NeedMoreData)
                {
                    break;
                }

                events.Add(Parsed.From(evt));
                consumed = available - (int)buffer.Length;
            }
        }

        Assert.That(consumed, Is.EqualTo(bytes.Length), "every byte belongs to a complete event");
        return events;
    }

    private static ReadOnlySequence<byte> Slice(byte[] bytes, int start, int end, int[] breaks)
    {
        var pieces = new List<ReadOnlyMemory<byte>>();
        int from = start;
        foreach (int b in breaks)
        {
            if (b > from && b < end)
            {
                pieces.Add(bytes.AsMemory(from, b - from));
                from = b;
            }
        }

        pieces.Add(bytes.AsMemory(from, end - from));
        return SequenceBuilder.Create([.. pieces]);
    }

    /// <summary>Events as the spec dispatches them (data-bearing ones), for comparing different framings.</summary>
    /// <remarks>Raw extents may differ: an event ending in CR is complete before a following LF arrives.</remarks>
    private static List<Parsed> Normalise(List<Parsed> events)
        => events.Where(e => e.HasData).Select(e => e with { Raw = string.Empty }).ToList();

    private sealed record Parsed(string Raw, string? Name, string? Data, int DataLines, string? Id, int Retry)
    {
        public bool HasData => DataLines > 0;

        public static Parsed From(in SseEvent evt)
        {
            string? data = null;
            if (evt.HasData)
            {
                byte[] joined = new byte[evt.DataLength];
                int written = evt.CopyDataTo(joined);
                Assert.That(written, Is.EqualTo(evt.DataLength));
                data = Encoding.UTF8.GetString(joined);
            }

            return new Parsed(
                Encoding.UTF8.GetString(evt.Raw),
                evt.HasName ? Encoding.UTF8.GetString(evt.Name) : null,
                data,
                evt.DataLineCount,
                evt.HasId ? Encoding.UTF8.GetString(evt.Id) : null,
                evt.RetryMilliseconds);
        }
    }
}
