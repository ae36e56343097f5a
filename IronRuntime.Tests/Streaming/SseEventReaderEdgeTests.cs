using System.Buffers;
using System.Text;
using IronRuntime.Router.Streaming;

namespace IronRuntime.Tests.Streaming;

/// <summary>
/// Edges of the WHATWG event-stream grammar (https://html.spec.whatwg.org/multipage/server-sent-events.html):
/// the <c>retry</c> field's digits, <c>id</c>, field names without a colon, a BOM cut in the middle, and the LF that
/// may follow an event ending in CR.
/// </summary>
public sealed class SseEventReaderEdgeTests
{
    [Test]
    public void Constructor_CapZeroOrNegative_Throws()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new SseEventReader(0), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => new SseEventReader(-5), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(new SseEventReader(1).MaxEventBytes, Is.EqualTo(1));
            Assert.That(new SseEventReader().MaxEventBytes, Is.EqualTo(16 * 1024 * 1024));
        });
    }

    [TestCase("retry: 2147483647\ndata: x\n\n", int.MaxValue)]
    [TestCase("retry: 2147483648\ndata: x\n\n", -1)]
    [TestCase("retry: 0000000001\ndata: x\n\n", 1)]
    [TestCase("retry: 00000000001\ndata: x\n\n", -1)]
    [TestCase("retry: 0\ndata: x\n\n", 0)]
    [TestCase("retry: 907\ndata: x\n\n", 907)]
    [TestCase("retry:\ndata: x\n\n", -1)]
    [TestCase("retry\ndata: x\n\n", -1)]
    [TestCase("retry: -5\ndata: x\n\n", -1)]
    [TestCase("retry: 12 \ndata: x\n\n", -1)]
    [TestCase("retry: 5\nretry: x\ndata: x\n\n", 5)]
    [TestCase("retry: 5\nretry: 7\ndata: x\n\n", 7)]
    [TestCase("retries: 5\ndata: x\n\n", -1)]
    public void RetryField_IsAnAsciiIntegerThatFitsAnInt_TheLastValidWins(string text, int expected)
    {
        Assert.That(ReadFirst(text).RetryMilliseconds, Is.EqualTo(expected));
    }

    [Test]
    public void RetryField_DoesNotCarryOverToTheNextEvent()
    {
        var reader = new SseEventReader();
        var buffer = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes("retry: 10\ndata: a\n\ndata: b\n\n"));

        reader.TryReadEvent(ref buffer, out SseEvent first);
        reader.TryReadEvent(ref buffer, out SseEvent second);

        Assert.That((first.RetryMilliseconds, second.RetryMilliseconds), Is.EqualTo((10, -1)));
    }

    [TestCase("id: 1\nid: 2\ndata: x\n\n", "2")]
    [TestCase("id\ndata: x\n\n", "")]
    [TestCase("id:  two spaces\ndata: x\n\n", " two spaces")]
    [TestCase("id: ok\nid: b\0d\ndata: x\n\n", "ok")]
    public void IdField_LastValidValueWins(string text, string expected)
    {
        SseEvent evt = ReadFirst(text);

        Assert.Multiple(() =>
        {
            Assert.That(evt.HasId, Is.True);
            Assert.That(Encoding.UTF8.GetString(evt.Id), Is.EqualTo(expected));
        });
    }

    [Test]
    public void IdField_DoesNotCarryOverToTheNextEvent()
    {
        var reader = new SseEventReader();
        var buffer = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes("id: 1\nevent: e\ndata: a\n\ndata: b\n\n"));

        reader.TryReadEvent(ref buffer, out SseEvent first);
        reader.TryReadEvent(ref buffer, out SseEvent second);

        Assert.Multiple(() =>
        {
            Assert.That(first.HasId && first.HasName, Is.True);
            Assert.That(second.HasId, Is.False);
            Assert.That(second.HasName, Is.False);
            Assert.That(second.Id.IsEmpty && second.Name.IsEmpty, Is.True);
        });
    }

    [TestCase("data\n\n", 1, "")]
    [TestCase("event\ndata: x\n\n", 1, "x")]
    [TestCase("datas\ndata: x\n\n", 1, "x")]
    [TestCase("dat\ndata: x\n\n", 1, "x")]
    [TestCase("d\ndata: x\n\n", 1, "x")]
    [TestCase(":\ndata: x\n\n", 1, "x")]
    [TestCase(":data: y\ndata: x\n\n", 1, "x")]
    [TestCase("data:x\ndata\n\n", 2, "x\n")]
    public void FieldNameWithoutColon_IsTheWholeLine(string text, int dataLines, string data)
    {
        SseEvent evt = ReadFirst(text);
        byte[] joined = new byte[evt.DataLength];
        evt.CopyDataTo(joined);

        Assert.Multiple(() =>
        {
            Assert.That(evt.DataLineCount, Is.EqualTo(dataLines));
            Assert.That(Encoding.UTF8.GetString(joined), Is.EqualTo(data));
        });
    }

    [Test]
    public void EventFieldWithoutColon_IsAnEmptyName()
    {
        SseEvent evt = ReadFirst("event\ndata: x\n\n");

        Assert.Multiple(() =>
        {
            Assert.That(evt.HasName, Is.True);
            Assert.That(evt.Name.IsEmpty, Is.True);
        });
    }

    [Test]
    public void EventWithoutData_HasNoData()
    {
        SseEvent evt = ReadFirst("event: ping\n\n");

        Assert.Multiple(() =>
        {
            Assert.That(evt.HasData, Is.False);
            Assert.That(evt.DataLineCount, Is.Zero);
            Assert.That(evt.DataLength, Is.Zero);
            Assert.That(evt.Data.IsEmpty, Is.True);
            Assert.That(Encoding.UTF8.GetString(evt.Name), Is.EqualTo("ping"));
        });
    }

    [TestCase(new byte[] { 0xEF })]
    [TestCase(new byte[] { 0xEF, 0xBB })]
    [TestCase(new byte[0])]
    public void BomCutAtTheStart_NeedsMoreData_ThenIsSkipped(byte[] head)
    {
        var reader = new SseEventReader();
        byte[] all = [0xEF, 0xBB, 0xBF, .. "data: x\n\n"u8];
        var partial = new ReadOnlySequence<byte>(head);

        SseReadStatus first = reader.TryReadEvent(ref partial, out _);
        var whole = new ReadOnlySequence<byte>(all);
        SseReadStatus second = reader.TryReadEvent(ref whole, out SseEvent evt);

        Assert.Multiple(() =>
        {
            Assert.That(first, Is.EqualTo(SseReadStatus.NeedMoreData));
            Assert.That(second, Is.EqualTo(SseReadStatus.Event));
            Assert.That(Encoding.UTF8.GetString(evt.Data), Is.EqualTo("x"));
            Assert.That(evt.Raw.Length, Is.EqualTo(all.Length));
        });
    }

    [Test]
    public void BomPrefixFollowedByOtherBytes_IsNoBom()
    {
        // EF BB then 'd': not a BOM, so the first line's name starts with those two bytes and is no known field.
        byte[] bytes = [0xEF, 0xBB, .. "data: x\n\ndata: y\n\n"u8];
        var reader = new SseEventReader();
        var buffer = new ReadOnlySequence<byte>(bytes);

        reader.TryReadEvent(ref buffer, out SseEvent first);
        reader.TryReadEvent(ref buffer, out SseEvent second);

        Assert.Multiple(() =>
        {
            Assert.That(first.HasData, Is.False);
            Assert.That(Encoding.UTF8.GetString(second.Data), Is.EqualTo("y"));
        });
    }

    [Test]
    public void Reset_TreatsTheNextBufferAsANewStream_WithItsOwnBom()
    {
        var reader = new SseEventReader();
        var first = new ReadOnlySequence<byte>([0xEF, 0xBB, 0xBF, .. "data: a\n\n"u8]);
        reader.TryReadEvent(ref first, out _);

        reader.Reset();
        var second = new ReadOnlySequence<byte>([0xEF, 0xBB, 0xBF, .. "data: b\n\n"u8]);
        SseReadStatus status = reader.TryReadEvent(ref second, out SseEvent evt);

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(SseReadStatus.Event));
            Assert.That(Encoding.UTF8.GetString(evt.Data), Is.EqualTo("b"));
        });
    }

    [Test]
    public void Reset_ForgetsAPendingLf()
    {
        var reader = new SseEventReader();
        var first = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes("data: a\r\r"));
        reader.TryReadEvent(ref first, out _);

        reader.Reset();
        var second = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes("\ndata: b\n\n"));
        reader.TryReadEvent(ref second, out SseEvent blank);

        Assert.Multiple(() =>
        {
            Assert.That(blank.ContinuesPreviousTerminator, Is.False, "a new stream: its LF is a blank line of its own");
            Assert.That(blank.Raw.Length, Is.EqualTo(1));
            Assert.That(blank.HasData, Is.False);
        });
    }

    [Test]
    public void EventEndingInCr_NextCallWithNothing_NeedsMoreData_ThenTheLfIsItsContinuation()
    {
        var reader = new SseEventReader();
        var buffer = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes("data: a\r\r"));
        reader.TryReadEvent(ref buffer, out _);

        var empty = ReadOnlySequence<byte>.Empty;
        SseReadStatus waiting = reader.TryReadEvent(ref empty, out _);
        var rest = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes("\ndata: b\n\n"));
        reader.TryReadEvent(ref rest, out SseEvent lf);
        reader.TryReadEvent(ref rest, out SseEvent next);

        Assert.Multiple(() =>
        {
            Assert.That(waiting, Is.EqualTo(SseReadStatus.NeedMoreData));
            Assert.That(lf.ContinuesPreviousTerminator, Is.True);
            Assert.That(lf.HasData || lf.HasName || lf.HasId, Is.False);
            Assert.That(lf.RetryMilliseconds, Is.EqualTo(-1));
            Assert.That(Encoding.UTF8.GetString(next.Data), Is.EqualTo("b"));
            Assert.That(next.ContinuesPreviousTerminator, Is.False);
        });
    }

    [Test]
    public void EventEndingInCr_FollowedByAnotherEvent_HasNoContinuation()
    {
        var reader = new SseEventReader();
        var buffer = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes("data: a\r\r"));
        reader.TryReadEvent(ref buffer, out _);

        var rest = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes("data: b\r\r"));
        SseReadStatus status = reader.TryReadEvent(ref rest, out SseEvent next);

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(SseReadStatus.Event));
            Assert.That(next.ContinuesPreviousTerminator, Is.False);
            Assert.That(Encoding.UTF8.GetString(next.Raw), Is.EqualTo("data: b\r\r"));
        });
    }

    [Test]
    public void DropContinuation_NextByteIsNoLf_ConsumesNothing()
    {
        var reader = new SseEventReader();
        var buffer = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes("data: a\r\r"));
        reader.TryReadEvent(ref buffer, out _);
        reader.DropContinuation();

        var rest = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes("data: b\n\n"));
        reader.TryReadEvent(ref rest, out SseEvent next);

        Assert.That(Encoding.UTF8.GetString(next.Raw), Is.EqualTo("data: b\n\n"));
    }

    [Test]
    public void DropContinuation_OnlyForTheEventJustReturned()
    {
        // Dropped "a" ended in CR: its LF goes; "b" ends in CR too but is forwarded: its LF comes back as a continuation.
        var reader = new SseEventReader();
        var first = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes("data: a\r\r"));
        reader.TryReadEvent(ref first, out _);
        reader.DropContinuation();
        var second = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes("\ndata: b\r\r"));
        reader.TryReadEvent(ref second, out SseEvent b);

        var third = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes("\n"));
        SseReadStatus status = reader.TryReadEvent(ref third, out SseEvent lf);

        Assert.Multiple(() =>
        {
            Assert.That(Encoding.UTF8.GetString(b.Data), Is.EqualTo("b"));
            Assert.That(status, Is.EqualTo(SseReadStatus.Event));
            Assert.That(lf.ContinuesPreviousTerminator, Is.True);
        });
    }

    [Test]
    public void LineEndingInCrAtTheBufferEnd_ThenSomethingOtherThanLf_StartsTheNextLine()
    {
        var reader = new SseEventReader();
        byte[] all = Encoding.UTF8.GetBytes("data: a\rdata: b\n\n");
        var partial = new ReadOnlySequence<byte>(all, 0, 8); // "data: a\r"

        SseReadStatus first = reader.TryReadEvent(ref partial, out _);
        var whole = new ReadOnlySequence<byte>(all);
        SseReadStatus second = reader.TryReadEvent(ref whole, out SseEvent evt);
        byte[] data = new byte[evt.DataLength];
        evt.CopyDataTo(data);

        Assert.Multiple(() =>
        {
            Assert.That(first, Is.EqualTo(SseReadStatus.NeedMoreData));
            Assert.That(second, Is.EqualTo(SseReadStatus.Event));
            Assert.That(Encoding.UTF8.GetString(data), Is.EqualTo("a\nb"));
        });
    }

    [Test]
    public void LineEndingInCrAtTheBufferEnd_NothingMoreYet_NeedsMoreData()
    {
        var reader = new SseEventReader();
        byte[] all = Encoding.UTF8.GetBytes("data: a\r\n\n");
        var partial = new ReadOnlySequence<byte>(all, 0, 8); // "data: a\r"
        reader.TryReadEvent(ref partial, out _);

        var same = new ReadOnlySequence<byte>(all, 0, 8);
        SseReadStatus again = reader.TryReadEvent(ref same, out _);
        var whole = new ReadOnlySequence<byte>(all);
        SseReadStatus done = reader.TryReadEvent(ref whole, out SseEvent evt);

        Assert.Multiple(() =>
        {
            Assert.That(again, Is.EqualTo(SseReadStatus.NeedMoreData));
            Assert.That(done, Is.EqualTo(SseReadStatus.Event));
            Assert.That(evt.Raw.Length, Is.EqualTo(all.Length));
            Assert.That(whole.IsEmpty, Is.True);
        });
    }

    [Test]
    public void PendingBytesOneBelowTheCap_NeedMoreData()
    {
        var reader = new SseEventReader(maxEventBytes: 32);
        var buffer = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes("data: " + new string('x', 25)));

        Assert.That(reader.TryReadEvent(ref buffer, out _), Is.EqualTo(SseReadStatus.NeedMoreData));
    }

    [Test]
    public void EventOneByteOverTheCap_IsTooLarge()
    {
        string text = "data: " + new string('x', 24) + "\n\n";
        var reader = new SseEventReader(maxEventBytes: text.Length - 1);
        var buffer = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(text));

        Assert.That(reader.TryReadEvent(ref buffer, out _), Is.EqualTo(SseReadStatus.EventTooLarge));
    }

    [Test]
    public void TryGetContiguousData_OneLineAcrossSegments_NeedsACopy()
    {
        byte[] bytes = Encoding.UTF8.GetBytes("data: abcdef\n\n");
        ReadOnlySequence<byte> buffer = SequenceBuilder.Create(bytes.AsMemory(0, 9), bytes.AsMemory(9));
        new SseEventReader().TryReadEvent(ref buffer, out SseEvent evt);

        bool contiguous = evt.TryGetContiguousData(out ReadOnlySpan<byte> data);
        bool empty = data.IsEmpty;
        byte[] copy = new byte[evt.DataLength];
        int written = evt.CopyDataTo(copy);

        Assert.Multiple(() =>
        {
            Assert.That(contiguous, Is.False);
            Assert.That(empty, Is.True);
            Assert.That(written, Is.EqualTo(6));
            Assert.That(Encoding.UTF8.GetString(copy), Is.EqualTo("abcdef"));
        });
    }

    [Test]
    public void TryGetContiguousData_NoData_IsAnEmptySpan()
    {
        var buffer = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(": keep-alive\n\n"));
        new SseEventReader().TryReadEvent(ref buffer, out SseEvent evt);

        bool contiguous = evt.TryGetContiguousData(out ReadOnlySpan<byte> data);
        int length = data.Length;

        Assert.Multiple(() =>
        {
            Assert.That(contiguous, Is.True);
            Assert.That(length, Is.Zero);
        });
    }

    private static SseEvent ReadFirst(string text)
    {
        var reader = new SseEventReader();
        var buffer = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(text));
        Assert.That(reader.TryReadEvent(ref buffer, out SseEvent evt), Is.EqualTo(SseReadStatus.Event));
        return evt;
    }
}
