using System.Buffers;

namespace IronRuntime.Tests.Streaming;

/// <summary>Builds multi-segment <see cref="ReadOnlySequence{T}"/>s.</summary>
internal static class SequenceBuilder
{
    public static ReadOnlySequence<byte> Create(params ReadOnlyMemory<byte>[] segments)
    {
        if (segments.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = new Segment(segments[0], 0);
        Segment last = first;
        for (int i = 1; i < segments.Length; i++)
        {
            last = last.Append(segments[i]);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>Cuts <paramref name="bytes"/> into segments of <paramref name="segmentSize"/> bytes.</summary>
    public static ReadOnlySequence<byte> Chunked(ReadOnlyMemory<byte> bytes, int segmentSize)
    {
        var segments = new List<ReadOnlyMemory<byte>>();
        for (int i = 0; i < bytes.Length; i += segmentSize)
        {
            segments.Add(bytes.Slice(i, Math.Min(segmentSize, bytes.Length - i)));
        }

        return Create([.. segments]);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
