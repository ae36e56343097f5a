using IronRuntime.Router.Usage;
using IronRuntime.Router.Wire;

namespace IronRuntime.Router.Streaming;

/// <summary>
/// Follows the usage reported in a stream of server-sent events of one LLM call, event by event.
/// </summary>
/// <remarks>
/// <para>
/// JSON is parsed only for the few events that can carry usage or the model, found cheaply first: by a byte search
/// for <c>"usage":</c> in OpenAI chat chunks, by event name for Responses and Anthropic. Everything else costs a
/// name comparison or one vectorised search. The text of content events is copied, still escaped, into a pooled
/// buffer (<see cref="OutputTextTally"/>) and counted only when a call ends without usage. No allocation except the
/// model string, once, and that buffer.
/// </para>
/// <list type="bullet">
/// <item>OpenAI chat: the chunk with a non-null top-level <c>usage</c>; <c>model</c> from the first chunk;
/// chunks with non-empty <c>content</c>, <c>arguments</c> or <c>refusal</c> count as content (their text is kept for
/// an estimate); <c>[DONE]</c> ends it.</item>
/// <item>OpenAI Responses: <c>response.completed</c>, <c>response.incomplete</c> and <c>response.failed</c> carry
/// <c>response.usage</c>; <c>*.delta</c> events count as content; <c>response.completed</c> or
/// <c>response.incomplete</c> ends it (<c>response.failed</c> and <c>error</c> mark an error).</item>
/// <item>Anthropic: <c>message_start</c> gives <c>message.usage</c>; <c>message_delta</c> updates it with the
/// counters it carries (output is cumulative: the latest wins); <c>content_block_delta</c> counts as content (its
/// <c>text</c>, <c>partial_json</c> or <c>thinking</c> is kept);
/// <c>message_stop</c> ends it.</item>
/// </list>
/// <para>Not thread-safe; one instance per stream.</para>
/// </remarks>
internal sealed class SseUsageAccumulator
{
    /// <summary>The facts of an event whose usage changed the counters (and that has nothing to cut).</summary>
    private static readonly SseEventFacts UsageChanged = new(UsageUpdated: true, IsUsageOnlyChunk: false, UsageCutStart: 0, UsageCutLength: 0);

    private readonly UsageDialect _dialect;
    private readonly bool _known;
    private UsageParts _parts;
    private bool _sawMessageStart;
    private bool _outputReported;

    /// <summary>Creates an accumulator for a stream of <paramref name="api"/>.</summary>
    /// <param name="api">The API whose events will be fed.</param>
    public SseUsageAccumulator(LlmApi api)
    {
        Api = api;
        _known = UsageJsonReader.TryGetDialect(api, out _dialect);
    }

    /// <summary>The API of the stream.</summary>
    public LlmApi Api { get; }

    /// <summary>The usage reported so far (zero counters when none).</summary>
    public TokenUsage Usage => _parts.ToTokenUsage(_dialect);

    /// <summary>Whether the complete usage of the call was reported (input and final output counts).</summary>
    public bool Reported { get; private set; }

    /// <summary>Whether the event that ends a complete answer was seen.</summary>
    public bool SawTerminalEvent { get; private set; }

    /// <summary>Whether an error event (or <c>response.failed</c>) was seen.</summary>
    public bool SawError { get; private set; }

    /// <summary>The number of content-bearing events seen.</summary>
    public long ContentEvents => Output.Events;

    /// <summary>The text forwarded so far (content, tool-call arguments, reasoning text), for an estimate.</summary>
    public OutputTextTally Output { get; } = new();

    /// <summary>The model named by the stream, once seen.</summary>
    public string? Model { get; private set; }

    /// <summary>
    /// The usage to settle a stream with: the reported counters as received, and — when no final output count was
    /// reported — the tokens of the text forwarded so far (<see cref="OutputTextTally.CountTokens"/>, at least one per
    /// content event) as the output (if larger). Releases the collected text; call once, at the end.
    /// </summary>
    /// <param name="model">The model the call was sent to (picks the tokenizer); the stream's own model when null or empty.</param>
    public TokenUsage EstimateUsage(string? model)
    {
        TokenUsage usage = Usage;
        if (_outputReported)
        {
            Output.Release();
            return usage;
        }

        long output = Output.CountTokens(string.IsNullOrEmpty(model) ? Model : model);
        return output > usage.OutputTokens ? usage with { OutputTokens = output } : usage;
    }

    /// <summary>Feeds one complete event.</summary>
    /// <param name="eventName">The event's <c>event:</c> value, or empty when it has none.</param>
    /// <param name="data">The event's data (lines joined with LF).</param>
    /// <returns>What the caller may need to act on.</returns>
    public SseEventFacts Feed(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data)
    {
        if (!_known)
        {
            return default;
        }

        return _dialect switch
        {
            UsageDialect.OpenAIChat => FeedChat(data),
            UsageDialect.OpenAIResponses => FeedResponses(WireJson.EventType(eventName, data), data),
            _ => FeedAnthropic(WireJson.EventType(eventName, data), data),
        };
    }

    /// <summary>Widens a member's extent by one adjacent comma so that removing it leaves valid JSON.</summary>
    private static (int Start, int Length) MemberCut(ReadOnlySpan<byte> data, int start, int end)
    {
        int before = start - 1;
        while (before >= 0 && WireJson.IsWhitespace(data[before]))
        {
            before--;
        }

        if (before >= 0 && data[before] == (byte)',')
        {
            return (before, end - before);
        }

        int after = WireJson.SkipWhitespace(data, end);
        if (after < data.Length && data[after] == (byte)',')
        {
            end = after + 1;
        }

        return (start, end - start);
    }

    private SseEventFacts FeedChat(ReadOnlySpan<byte> data)
    {
        if (data.SequenceEqual(ChatCompletionsWire.Done))
        {
            SawTerminalEvent = true;
            return default;
        }

        // OpenAI writes usage last, so searching from the end finds it at once.
        int memberStart = data.LastIndexOf(ChatCompletionsWire.UsageMember);
        int memberEnd = -1;
        bool parse = Model is null;
        if (memberStart >= 0)
        {
            int value = WireJson.SkipWhitespace(data, memberStart + ChatCompletionsWire.UsageMember.Length);
            if (data[value..].StartsWith("null"u8))
            {
                memberEnd = value + 4;
            }
            else
            {
                parse = true;
            }
        }

        bool usageUpdated = false;
        bool usageOnly = false;
        if (parse)
        {
            if (UsageJsonReader.TryReadEnvelope(data, default, UsageDialect.OpenAIChat, Model is null, out UsageEnvelope envelope))
            {
                Model ??= envelope.Model;
                if (envelope.HasUsage)
                {
                    _parts = envelope.Usage;
                    Reported = true;
                    _outputReported = true;
                    usageUpdated = true;
                    usageOnly = envelope.HasChoices && envelope.ChoicesEmpty;
                }

                // The parser knows which member is the top-level one.
                memberStart = envelope.UsageMemberStart;
                memberEnd = envelope.UsageMemberEnd;
            }
            else
            {
                memberStart = -1;
            }
        }

        if (data.StartsWith(ChatCompletionsWire.ErrorStart))
        {
            SawError = true;
        }

        if (!usageOnly)
        {
            AddChatContent(data);
        }

        if (memberStart < 0 || memberEnd <= memberStart)
        {
            return new SseEventFacts(usageUpdated, usageOnly, 0, 0);
        }

        (int cutStart, int cutLength) = MemberCut(data, memberStart, memberEnd);
        return new SseEventFacts(usageUpdated, usageOnly, cutStart, cutLength);
    }

    /// <summary>Collects a chunk's content, tool-call arguments and refusal text; a chunk with any is a content event.</summary>
    private void AddChatContent(ReadOnlySpan<byte> data)
    {
        bool content = Output.AddStringValue(data, ChatCompletionsWire.ContentString);
        content |= Output.AddStringValue(data, ChatCompletionsWire.ArgumentsString);
        content |= Output.AddStringValue(data, ChatCompletionsWire.RefusalString);
        if (content)
        {
            Output.AddEvent();
        }
    }

    private SseEventFacts FeedResponses(ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        if (type.EndsWith(ResponsesWire.DeltaSuffix))
        {
            // Text, tool-call arguments and reasoning text all arrive as "delta":"…".
            Output.AddStringValue(data, ResponsesWire.DeltaString);
            Output.AddEvent();
            return default;
        }

        bool completed = ResponsesWire.IsCompletion(type);
        bool failed = !completed && type.SequenceEqual(ResponsesWire.Failed);
        if (completed || failed)
        {
            SawTerminalEvent |= completed;
            SawError |= failed;
            if (TakeEnvelopeUsage(data, ResponsesWire.Response, UsageDialect.OpenAIResponses))
            {
                Reported = true;
                _outputReported = true;
                return UsageChanged;
            }

            return default;
        }

        if (Model is null && (type.SequenceEqual(ResponsesWire.Created) || type.SequenceEqual(ResponsesWire.InProgress)))
        {
            if (UsageJsonReader.TryReadEnvelope(data, ResponsesWire.Response, UsageDialect.OpenAIResponses, readModel: true, out UsageEnvelope envelope))
            {
                Model = envelope.Model;
            }
        }
        else if (type.SequenceEqual(WireJson.Error))
        {
            SawError = true;
        }

        return default;
    }

    private SseEventFacts FeedAnthropic(ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        if (type.SequenceEqual(MessagesWire.ContentBlockDelta))
        {
            // text_delta, input_json_delta (tool input) and thinking_delta; a signature is not output text.
            _ = Output.AddStringValue(data, MessagesWire.TextString)
                || Output.AddStringValue(data, MessagesWire.PartialJsonString)
                || Output.AddStringValue(data, MessagesWire.ThinkingString);
            Output.AddEvent();
            return default;
        }

        if (type.SequenceEqual(MessagesWire.MessageStart))
        {
            if (TakeEnvelopeUsage(data, MessagesWire.Message, UsageDialect.Anthropic))
            {
                _sawMessageStart = true;
                Reported = _outputReported;
                return UsageChanged;
            }

            return default;
        }

        if (type.SequenceEqual(MessagesWire.MessageDelta))
        {
            if (UsageJsonReader.TryReadEnvelope(data, default, UsageDialect.Anthropic, readModel: false, out UsageEnvelope envelope)
                && envelope.HasUsage)
            {
                _parts.Update(envelope.Usage);
                _outputReported |= (envelope.Usage.Present & UsageFields.Output) != 0;
                Reported = _outputReported && (_sawMessageStart || (envelope.Usage.Present & UsageFields.Input) != 0);
                return UsageChanged;
            }

            return default;
        }

        if (type.SequenceEqual(MessagesWire.MessageStop))
        {
            SawTerminalEvent = true;
        }
        else if (type.SequenceEqual(WireJson.Error))
        {
            SawError = true;
        }

        return default;
    }

    /// <summary>
    /// Reads the object <paramref name="container"/> of an event that carries a whole answer's usage (Responses'
    /// terminal <c>response</c>, Anthropic's <c>message_start</c> <c>message</c>): its model when none is known yet, and
    /// its usage, which replaces the counters so far.
    /// </summary>
    /// <returns>Whether the object had a usage.</returns>
    private bool TakeEnvelopeUsage(ReadOnlySpan<byte> data, ReadOnlySpan<byte> container, UsageDialect dialect)
    {
        if (!UsageJsonReader.TryReadEnvelope(data, container, dialect, Model is null, out UsageEnvelope envelope))
        {
            return false;
        }

        Model ??= envelope.Model;
        if (!envelope.HasUsage)
        {
            return false;
        }

        _parts = envelope.Usage;
        return true;
    }
}
