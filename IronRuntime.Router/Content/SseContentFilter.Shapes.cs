using System.Text.Json;
using IronRuntime.Router.Streaming;

namespace IronRuntime.Router.Content;

internal sealed partial class SseContentFilter
{
    private const ulong ChatContent = 1;
    private const ulong ChatRefusal = 2;
    private const ulong ChatToolArguments = 3;
    private const ulong BlockText = 4;
    private const ulong BlockJson = 5;

    private enum Name : byte
    {
        Other = 0,
        Choices,
        Delta,
        Content,
        Refusal,
        ToolCalls,
        Function,
        Arguments,
        Index,
        FinishReason,
        Text,
        PartialJson,
        ContentBlock,
        OutputIndex,
        ContentIndex,
        SummaryIndex,
    }

    /// <summary>Chat Completions chunks: <c>choices[i].delta.content</c>, <c>.refusal</c> and <c>.tool_calls[j].function.arguments</c>; a finish reason ends choice i.</summary>
    private SseFilterAction OnChat(in SseEvent evt, ReadOnlySpan<byte> name, ReadOnlySpan<byte> data, int cutStart, int cutLength, bool drop)
    {
        if (data.SequenceEqual("[DONE]"u8))
        {
            return Process(evt, name, data, static (_, _) => true, 0, 0, 0, drop: false);
        }

        var walk = new EventWalker(data);
        Span<byte> names = stackalloc byte[MaxDepth + 2];
        Span<long> indexes = stackalloc long[MaxDepth + 2];
        Span<int> firstSlot = stackalloc int[MaxDepth + 2];
        Span<bool> finished = stackalloc bool[MaxDepth + 2];
        long finishing = long.MinValue;
        int finishingCount = 0;
        while (walk.Next())
        {
            int depth = walk.Depth;
            switch (walk.Token)
            {
                case JsonTokenType.StartObject or JsonTokenType.StartArray:
                    names[depth] = (byte)walk.Property;
                    indexes[depth] = -1;
                    firstSlot[depth] = _slots.Count;
                    finished[depth] = false;
                    break;
                case JsonTokenType.EndObject when depth == 3 && (Name)names[2] == Name.Choices:
                    SetKeys(firstSlot[3], indexes[3], inner: false);
                    if (finished[3])
                    {
                        finishingCount++;
                        finishing = indexes[3];
                    }

                    break;
                case JsonTokenType.EndObject when depth == 6 && (Name)names[5] == Name.ToolCalls:
                    SetKeys(firstSlot[6], indexes[6], inner: true);
                    break;
                case JsonTokenType.Number when walk.Property == Name.Index:
                    indexes[depth] = walk.Reader.GetInt64();
                    break;
                case JsonTokenType.String when (Name)names[2] == Name.Choices:
                    if (depth == 4 && (Name)names[4] == Name.Delta && walk.Property is Name.Content or Name.Refusal)
                    {
                        AddSlot(ref walk.Reader, walk.Property == Name.Content ? ChatContent : ChatRefusal, inner: 0);
                    }
                    else if (depth == 7 && (Name)names[5] == Name.ToolCalls && (Name)names[7] == Name.Function && walk.Property == Name.Arguments)
                    {
                        AddSlot(ref walk.Reader, ChatToolArguments, inner: -1);
                    }
                    else if (depth == 3 && walk.Property == Name.FinishReason)
                    {
                        finished[3] = true;
                    }

                    break;
            }
        }

        if (!SlotsKeyed())
        {
            return Unparsed();
        }

        if (drop || finishingCount > 1)
        {
            return Process(evt, name, data, static (_, _) => true, 0, cutStart, cutLength, drop);
        }

        return finishingCount == 1
            ? Process(evt, name, data, static (key, choice) => key.Outer == choice, finishing, cutStart, cutLength, drop)
            : Process(evt, name, data, null, 0, cutStart, cutLength, drop);
    }

    /// <summary>Anthropic events: <c>content_block_delta</c> text and <c>partial_json</c>, a block's initial text; <c>content_block_stop</c> ends block i.</summary>
    private SseFilterAction OnMessages(in SseEvent evt, ReadOnlySpan<byte> name, ReadOnlySpan<byte> data)
    {
        ReadOnlySpan<byte> type = name.IsEmpty ? PeekType(data) : name;
        bool delta = type.SequenceEqual("content_block_delta"u8);
        bool start = !delta && type.SequenceEqual("content_block_start"u8);
        bool stop = !delta && !start && type.SequenceEqual("content_block_stop"u8);
        if (!delta && !start && !stop)
        {
            return type.SequenceEqual("message_delta"u8) || type.SequenceEqual("message_stop"u8)
                ? Process(evt, name, data, static (_, _) => true, 0, 0, 0, drop: false)
                : SseFilterAction.PassRaw;
        }

        var walk = new EventWalker(data);
        Name container = Name.Other;
        long index = -1;
        while (walk.Next())
        {
            switch (walk.Token)
            {
                case JsonTokenType.StartObject when walk.Depth == 2:
                    container = walk.Property;
                    break;
                case JsonTokenType.Number when walk.Depth == 1 && walk.Property == Name.Index:
                    index = walk.Reader.GetInt64();
                    break;
                case JsonTokenType.String when walk.Depth == 2:
                    if (delta && container == Name.Delta && walk.Property is Name.Text or Name.PartialJson)
                    {
                        AddSlot(ref walk.Reader, walk.Property == Name.Text ? BlockText : BlockJson, inner: 0);
                    }
                    else if (start && container == Name.ContentBlock && walk.Property == Name.Text)
                    {
                        AddSlot(ref walk.Reader, BlockText, inner: 0);
                    }

                    break;
            }
        }

        if (index < 0)
        {
            return Unparsed();
        }

        SetKeys(0, index, inner: false);
        return stop
            ? Process(evt, name, data, static (key, block) => key.Outer == block, index, 0, 0, drop: false)
            : Process(evt, name, data, null, 0, 0, 0, drop: false);
    }

    /// <summary>
    /// Responses events: every <c>*.delta</c> carries a piece of the stream its type and indices name; the matching
    /// <c>*.done</c> ends it. Snapshots (<c>*.done</c>, <c>response.completed</c>, items and parts) are rewritten whole.
    /// </summary>
    private SseFilterAction OnResponses(in SseEvent evt, ReadOnlySpan<byte> name, ReadOnlySpan<byte> data)
    {
        ReadOnlySpan<byte> type = name.IsEmpty ? PeekType(data) : name;
        if (type.SequenceEqual("error"u8))
        {
            return SseFilterAction.PassRaw;
        }

        bool delta = type.EndsWith(".delta"u8);
        bool done = !delta && type.EndsWith(".done"u8);
        bool terminal = type.SequenceEqual("response.completed"u8) || type.SequenceEqual("response.incomplete"u8) || type.SequenceEqual("response.failed"u8);
        ulong family = delta ? Hash(type[..^6]) : done ? Hash(type[..^5]) : 0;
        long outer = -1;
        long inner = 0;
        if (delta || done)
        {
            var walk = new EventWalker(data);
            while (walk.Next())
            {
                if (walk.Depth != 1)
                {
                    continue;
                }

                if (walk.Token == JsonTokenType.Number && walk.Property == Name.OutputIndex)
                {
                    outer = walk.Reader.GetInt64();
                }
                else if (walk.Token == JsonTokenType.Number && walk.Property is Name.ContentIndex or Name.SummaryIndex)
                {
                    inner = walk.Reader.GetInt64();
                }
                else if (delta && walk.Token == JsonTokenType.String && walk.Property == Name.Delta)
                {
                    AddSlot(ref walk.Reader, family, inner: 0);
                }
            }

            for (int i = 0; i < _slots.Count; i++)
            {
                SseTextSlot slot = _slots[i];
                slot.Key = new SseTextStreamKey(family, outer, inner);
                _slots[i] = slot;
            }
        }

        if (delta)
        {
            return Process(evt, name, data, null, 0, 0, 0, drop: false);
        }

        if (done || terminal)
        {
            var key = new SseTextStreamKey(family, outer, inner);
            SseFilterAction flushed = terminal ? FlushWhere(static (_, _) => true, 0) : FlushWhere((k, _) => k == key, 0);
            if (flushed == SseFilterAction.End)
            {
                return flushed;
            }
        }
        else if (!MayCarryText(data))
        {
            return SseFilterAction.PassRaw;
        }

        return Snapshot(evt, name, data);
    }

    /// <summary>Rewrites an event that repeats text already streamed, with scanners that count nothing.</summary>
    private SseFilterAction Snapshot(in SseEvent evt, ReadOnlySpan<byte> name, ReadOnlySpan<byte> data)
    {
        switch (_snapshots.Rewrite(data, JsonTextScope.ResponsesResponse, _filter, _call, LlmContentDirection.Response, repeats: true))
        {
            case ContentRewrite.Rewritten:
                WriteEvent(evt.HasName ? name : default, _snapshots.Output.WrittenSpan, [], []);
                return SseFilterAction.Replace;
            case ContentRewrite.Blocked:
                return Block(_snapshots.BlockedEntityTypes);
            case ContentRewrite.Unparsed:
                return Unparsed();
            default:
                if (_output.WrittenCount == 0)
                {
                    return SseFilterAction.PassRaw;
                }

                WriteRaw(evt);
                return SseFilterAction.Replace;
        }
    }

    private static bool MayCarryText(ReadOnlySpan<byte> data)
        => HasNonEmpty(data, "\"text\":\""u8) || HasNonEmpty(data, "\"arguments\":\""u8) || HasNonEmpty(data, "\"refusal\":\""u8)
           || data.IndexOf("\": \""u8) >= 0;

    private static bool HasNonEmpty(ReadOnlySpan<byte> data, ReadOnlySpan<byte> keyAndQuote)
    {
        while (true)
        {
            int at = data.IndexOf(keyAndQuote);
            if (at < 0)
            {
                return false;
            }

            int next = at + keyAndQuote.Length;
            if (next < data.Length && data[next] != '"')
            {
                return true;
            }

            data = data[next..];
        }
    }

    private static ulong Hash(ReadOnlySpan<byte> text)
    {
        ulong hash = 14695981039346656037UL;
        foreach (byte b in text)
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return hash | 0x100; // never one of the small built-in families
    }

    /// <summary>The value of the first <c>"type"</c> member, for events sent without an <c>event:</c> line.</summary>
    private static ReadOnlySpan<byte> PeekType(ReadOnlySpan<byte> data)
    {
        var reader = new Utf8JsonReader(data);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return default;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool isType = reader.ValueTextEquals("type"u8);
            reader.Read();
            if (isType && reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped)
            {
                return reader.ValueSpan;
            }

            reader.Skip();
        }

        return default;
    }

    private static Name NameOf(ref Utf8JsonReader reader)
    {
        ReadOnlySpan<byte> n = reader.ValueSpan;
        if (reader.ValueIsEscaped || n.Length < 4)
        {
            return Name.Other;
        }

        return n.Length switch
        {
            4 when n.SequenceEqual("text"u8) => Name.Text,
            5 when n.SequenceEqual("delta"u8) => Name.Delta,
            5 when n.SequenceEqual("index"u8) => Name.Index,
            7 when n.SequenceEqual("choices"u8) => Name.Choices,
            7 when n.SequenceEqual("content"u8) => Name.Content,
            7 when n.SequenceEqual("refusal"u8) => Name.Refusal,
            8 when n.SequenceEqual("function"u8) => Name.Function,
            9 when n.SequenceEqual("arguments"u8) => Name.Arguments,
            10 when n.SequenceEqual("tool_calls"u8) => Name.ToolCalls,
            12 when n.SequenceEqual("partial_json"u8) => Name.PartialJson,
            12 when n.SequenceEqual("output_index"u8) => Name.OutputIndex,
            13 when n.SequenceEqual("finish_reason"u8) => Name.FinishReason,
            13 when n.SequenceEqual("content_block"u8) => Name.ContentBlock,
            13 when n.SequenceEqual("content_index"u8) => Name.ContentIndex,
            13 when n.SequenceEqual("summary_index"u8) => Name.SummaryIndex,
            _ => Name.Other,
        };
    }

    private void AddSlot(ref Utf8JsonReader reader, ulong family, long inner)
    {
        if (reader.ValueSpan.Length == 0)
        {
            return;
        }

        _slots.Add(new SseTextSlot
        {
            Start = (int)reader.TokenStartIndex,
            Length = reader.ValueSpan.Length + 2,
            Escaped = reader.ValueIsEscaped,
            Key = new SseTextStreamKey(family, -1, inner),
        });
    }

    /// <summary>Fills the outer (choice, block) or inner (tool call) index of the slots added since <paramref name="from"/> that lack it.</summary>
    private void SetKeys(int from, long index, bool inner)
    {
        for (int i = from; i < _slots.Count; i++)
        {
            SseTextSlot slot = _slots[i];
            if (inner ? slot.Key.Inner == -1 : slot.Key.Outer == -1)
            {
                slot.Key = inner ? slot.Key with { Inner = index } : slot.Key with { Outer = index };
                _slots[i] = slot;
            }
        }
    }

    private bool SlotsKeyed()
    {
        foreach (SseTextSlot slot in _slots)
        {
            if (slot.Key.Outer < 0 || slot.Key.Inner < 0)
            {
                return false;
            }
        }

        return true;
    }
}
