using System.Text.Json;
using IronRuntime.Router.Streaming;
using IronRuntime.Router.Wire;

namespace IronRuntime.Router.Content;

internal sealed partial class SseContentFilter
{
    private static readonly SseTextFamily ChatContent = SseTextFamily.Of(SseTextKind.ChatContent);
    private static readonly SseTextFamily ChatRefusal = SseTextFamily.Of(SseTextKind.ChatRefusal);
    private static readonly SseTextFamily ChatToolArguments = SseTextFamily.Of(SseTextKind.ChatToolArguments);
    private static readonly SseTextFamily ChatFunctionCallArguments = SseTextFamily.Of(SseTextKind.ChatFunctionCallArguments);
    private static readonly SseTextFamily BlockText = SseTextFamily.Of(SseTextKind.BlockText);
    private static readonly SseTextFamily BlockJson = SseTextFamily.Of(SseTextKind.BlockJson);

    /// <summary>
    /// Chat Completions chunks: text at <see cref="ChatCompletionsWire.DeltaPath"/>, <see cref="ChatCompletionsWire.ToolCallFunctionPath"/>
    /// and <see cref="ChatCompletionsWire.FunctionCallPath"/>; a finish reason ends choice i.
    /// </summary>
    private SseFilterAction OnChat(in SseEvent evt, ReadOnlySpan<byte> name, ReadOnlySpan<byte> data, SseUsageCut cut)
    {
        if (data.SequenceEqual(ChatCompletionsWire.Done))
        {
            return Process(evt, name, data, SseStreamSelector.All, default);
        }

        Span<WireName> containers = stackalloc WireName[MaxDepth + 2];
        var walk = new EventWalker(data, containers);
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
                    indexes[depth] = -1;
                    firstSlot[depth] = _slots.Count;
                    finished[depth] = false;
                    break;
                case JsonTokenType.EndObject when walk.IsAt(ChatCompletionsWire.ChoicePath):
                    SetKeys(firstSlot[depth], indexes[depth], inner: false);
                    if (finished[depth])
                    {
                        finishingCount++;
                        finishing = indexes[depth];
                    }

                    break;
                case JsonTokenType.EndObject when walk.IsAt(ChatCompletionsWire.ToolCallPath):
                    SetKeys(firstSlot[depth], indexes[depth], inner: true);
                    break;
                case JsonTokenType.Number when walk.Property == WireName.Index:
                    indexes[depth] = walk.Reader.GetInt64();
                    break;
                case JsonTokenType.String when walk.Property is WireName.Content or WireName.Refusal && walk.IsAt(ChatCompletionsWire.DeltaPath):
                    AddSlot(ref walk.Reader, walk.Property == WireName.Content ? ChatContent : ChatRefusal, inner: 0);
                    break;
                case JsonTokenType.String when walk.Property == WireName.Arguments && walk.IsAt(ChatCompletionsWire.ToolCallFunctionPath):
                    AddSlot(ref walk.Reader, ChatToolArguments, inner: -1);
                    break;
                case JsonTokenType.String when walk.Property == WireName.Arguments && walk.IsAt(ChatCompletionsWire.FunctionCallPath):
                    AddSlot(ref walk.Reader, ChatFunctionCallArguments, inner: 0);
                    break;
                case JsonTokenType.String when walk.Property == WireName.FinishReason && walk.IsAt(ChatCompletionsWire.ChoicePath):
                    finished[depth] = true;
                    break;
            }
        }

        if (!SlotsKeyed())
        {
            return Unparsed();
        }

        if (cut.Drop || finishingCount > 1)
        {
            return Process(evt, name, data, SseStreamSelector.All, cut);
        }

        return Process(evt, name, data, finishingCount == 1 ? SseStreamSelector.Outer(finishing) : SseStreamSelector.None, cut);
    }

    /// <summary>Anthropic events: <c>content_block_delta</c> text and <c>partial_json</c>, a block's initial text; <c>content_block_stop</c> ends block i.</summary>
    private SseFilterAction OnMessages(in SseEvent evt, ReadOnlySpan<byte> name, ReadOnlySpan<byte> data)
    {
        ReadOnlySpan<byte> type = name;
        if (type.IsEmpty && !WireJson.TryPeekType(data, out type))
        {
            return Unparsed();
        }

        bool delta = type.SequenceEqual(MessagesWire.ContentBlockDelta);
        bool start = !delta && type.SequenceEqual(MessagesWire.ContentBlockStart);
        bool stop = !delta && !start && type.SequenceEqual(MessagesWire.ContentBlockStop);
        if (!delta && !start && !stop)
        {
            return type.SequenceEqual(MessagesWire.MessageDelta) || type.SequenceEqual(MessagesWire.MessageStop)
                ? Process(evt, name, data, SseStreamSelector.All, default)
                : SseFilterAction.PassRaw;
        }

        Span<WireName> containers = stackalloc WireName[MaxDepth + 2];
        var walk = new EventWalker(data, containers);
        long index = -1;
        while (walk.Next())
        {
            switch (walk.Token)
            {
                case JsonTokenType.Number when walk.Property == WireName.Index && walk.IsAt(MessagesWire.EventPath):
                    index = walk.Reader.GetInt64();
                    break;
                case JsonTokenType.String when delta && walk.Property is WireName.Text or WireName.PartialJson && walk.IsAt(MessagesWire.DeltaPath):
                    AddSlot(ref walk.Reader, walk.Property == WireName.Text ? BlockText : BlockJson, inner: 0);
                    break;
                case JsonTokenType.String when start && walk.Property == WireName.Text && walk.IsAt(MessagesWire.ContentBlockPath):
                    AddSlot(ref walk.Reader, BlockText, inner: 0);
                    break;
            }
        }

        if (index < 0)
        {
            return Unparsed();
        }

        SetKeys(0, index, inner: false);
        return Process(evt, name, data, stop ? SseStreamSelector.Outer(index) : SseStreamSelector.None, default);
    }

    /// <summary>
    /// Responses events: every <c>*.delta</c> carries a piece of the stream its type and indices name; the matching
    /// <c>*.done</c> ends it. Snapshots (<c>*.done</c>, <c>response.completed</c>, items and parts) are rewritten whole.
    /// </summary>
    private SseFilterAction OnResponses(in SseEvent evt, ReadOnlySpan<byte> name, ReadOnlySpan<byte> data)
    {
        ReadOnlySpan<byte> type = name;
        if (type.IsEmpty && !WireJson.TryPeekType(data, out type))
        {
            return Unparsed();
        }

        if (type.SequenceEqual(WireJson.Error))
        {
            return SseFilterAction.PassRaw;
        }

        bool delta = type.EndsWith(ResponsesWire.DeltaSuffix);
        bool done = !delta && type.EndsWith(ResponsesWire.DoneSuffix);
        bool terminal = ResponsesWire.IsTerminal(type);
        SseTextFamily family = delta || done ? SseTextFamily.ResponsesEvent(ResponsesWire.TextFamily(type)) : default;
        long outer = -1;
        long inner = 0;
        if (delta || done)
        {
            Span<WireName> containers = stackalloc WireName[MaxDepth + 2];
            var walk = new EventWalker(data, containers);
            while (walk.Next())
            {
                if (!walk.IsAt(ResponsesWire.EventPath))
                {
                    continue;
                }

                if (walk.Token == JsonTokenType.Number && walk.Property == WireName.OutputIndex)
                {
                    outer = walk.Reader.GetInt64();
                }
                else if (walk.Token == JsonTokenType.Number && walk.Property is WireName.ContentIndex or WireName.SummaryIndex)
                {
                    inner = walk.Reader.GetInt64();
                }
                else if (delta && walk.Token == JsonTokenType.String && walk.Property == WireName.Delta)
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
            return Process(evt, name, data, SseStreamSelector.None, default);
        }

        if (done || terminal)
        {
            SseStreamSelector ends = terminal ? SseStreamSelector.All : SseStreamSelector.One(new SseTextStreamKey(family, outer, inner));
            SseFilterAction flushed = FlushWhere(ends);
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

    /// <summary>Whether a Responses snapshot may hold text to scan: a non-empty text, arguments or refusal, or any spaced string member.</summary>
    private static bool MayCarryText(ReadOnlySpan<byte> data)
        => WireJson.HasNonEmptyString(data, ResponsesWire.TextString)
           || WireJson.HasNonEmptyString(data, ChatCompletionsWire.ArgumentsString)
           || WireJson.HasNonEmptyString(data, ChatCompletionsWire.RefusalString)
           || data.IndexOf("\": \""u8) >= 0;

    private void AddSlot(ref Utf8JsonReader reader, SseTextFamily family, long inner)
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
