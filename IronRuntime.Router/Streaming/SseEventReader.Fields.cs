using System.Buffers;

namespace IronRuntime.Router.Streaming;

/// <summary>Fields: one line of an event (<c>data</c>, <c>event</c>, <c>id</c>, <c>retry</c>, comments) recorded as offsets.</summary>
internal sealed partial class SseEventReader
{
    private void ProcessLine(in ReadOnlySequence<byte> line, long lineOffset)
    {
        Field field = ParseField(line, out int valueOffset);
        long valueStart = lineOffset + valueOffset;
        long valueLength = line.Length - valueOffset;
        switch (field)
        {
            case Field.Data:
                if (_dataLines == 0)
                {
                    _dataStart = valueStart;
                }
                else
                {
                    _dataLength++; // the LF joining it to the previous line
                }

                _dataLines++;
                _dataLength += valueLength;
                _dataEnd = valueStart + valueLength;
                break;

            case Field.Event:
                _hasName = true;
                _nameStart = valueStart;
                _nameLength = valueLength;
                break;

            case Field.Id:
                if (line.Slice(valueOffset).PositionOf((byte)0) is null)
                {
                    _hasId = true;
                    _idStart = valueStart;
                    _idLength = valueLength;
                }

                break;

            case Field.Retry:
                if (TryParseRetry(line.Slice(valueOffset), out int retry))
                {
                    _retry = retry;
                }

                break;

            default:
                break;
        }
    }

    private static Field ParseField(in ReadOnlySequence<byte> line, out int valueOffset)
    {
        // Only the first bytes decide the field: every field we act on has a name of at most five bytes.
        Span<byte> scratch = stackalloc byte[FieldHeadLength];
        scoped ReadOnlySpan<byte> head = line.FirstSpan;
        if (head.Length < FieldHeadLength && !line.IsSingleSegment)
        {
            int length = (int)Math.Min(line.Length, FieldHeadLength);
            line.Slice(0, length).CopyTo(scratch);
            head = scratch[..length];
        }
        else if (head.Length > FieldHeadLength)
        {
            head = head[..FieldHeadLength];
        }

        valueOffset = 0;
        if (head[0] == (byte)':')
        {
            return Field.Ignored; // comment
        }

        scoped ReadOnlySpan<byte> name;
        int colon = head.IndexOf((byte)':');
        if (colon < 0)
        {
            if (line.Length > 5)
            {
                return Field.Ignored;
            }

            name = head;
            valueOffset = (int)line.Length;
        }
        else
        {
            name = head[..colon];
            valueOffset = colon + 1;
            if (valueOffset < head.Length && head[valueOffset] == (byte)' ')
            {
                valueOffset++;
            }
        }

        if (name.SequenceEqual("data"u8))
        {
            return Field.Data;
        }

        if (name.SequenceEqual("event"u8))
        {
            return Field.Event;
        }

        if (name.SequenceEqual("id"u8))
        {
            return Field.Id;
        }

        return name.SequenceEqual("retry"u8) ? Field.Retry : Field.Ignored;
    }

    private static bool TryParseRetry(in ReadOnlySequence<byte> value, out int milliseconds)
    {
        milliseconds = 0;
        if (value.IsEmpty || value.Length > 10)
        {
            return false;
        }

        Span<byte> digits = stackalloc byte[10];
        value.CopyTo(digits);
        long result = 0;
        foreach (byte b in digits[..(int)value.Length])
        {
            if (!char.IsAsciiDigit((char)b))
            {
                return false;
            }

            result = (result * 10) + (b - '0');
        }

        if (result > int.MaxValue)
        {
            return false;
        }

        milliseconds = (int)result;
        return true;
    }
}
