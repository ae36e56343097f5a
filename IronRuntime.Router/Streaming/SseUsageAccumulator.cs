using IronRuntime.Router.Usage;

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

    private static ReadOnlySpan<byte> UsageKey => "\"usage\":"u8;

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
            UsageDialect.OpenAIResponses => FeedResponses(eventName.IsEmpty ? PeekType(data) : eventName, data),
            _ => FeedAnthropic(eventName.IsEmpty ? PeekType(data) : eventName, data),
        };
    }

    private static bool IsJsonWhitespace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r';

    private static int SkipWhitespace(ReadOnlySpan<byte> data, int index)
    {
        while (index < data.Length && IsJsonWhitespace(data[index]))
        {
            index++;
        }

        return index;
    }

    /// <summary>Widens a member's extent by one adjacent comma so that removing it leaves valid JSON.</summary>
    private static (int Start, int Length) MemberCut(ReadOnlySpan<byte> data, int start, int end)
    {
        int before = start - 1;
        while (before >= 0 && IsJsonWhitespace(data[before]))
        {
            before--;
        }

        if (before >= 0 && data[before] == (byte)',')
        {
            return (before, end - before);
        }

        int after = SkipWhitespace(data, end);
        if (after < data.Length && data[after] == (byte)',')
        {
            end = after + 1;
        }

        return (start, end - start);
    }

    /// <summary>The value of the first <c>"type"</c> member, for events sent without an <c>event:</c> field.</summary>
    private static ReadOnlySpan<byte> PeekType(ReadOnlySpan<byte> data)
    {
        int at = data.IndexOf("\"type\":"u8);
        if (at < 0)
        {
            return default;
        }

        int start = SkipWhitespace(data, at + 7);
        if (start >= data.Length || data[start] != (byte)'"')
        {
            return default;
        }

        ReadOnlySpan<byte> rest = data[(start + 1)..];
        int end = rest.IndexOf((byte)'"');
        return end < 0 ? default : rest[..end];
    }

    private SseEventFacts FeedChat(ReadOnlySpan<byte> data)
    {
        if (data.SequenceEqual("[DONE]"u8))
        {
            SawTerminalEvent = true;
            return default;
        }

        // OpenAI writes usage last, so searching from the end finds it at once.
        int memberStart = data.LastIndexOf(UsageKey);
        int memberEnd = -1;
        bool parse = Model is null;
        if (memberStart >= 0)
        {
            int value = SkipWhitespace(data, memberStart + UsageKey.Length);
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

        if (data.StartsWith("{\"error\""u8))
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
        bool content = Output.AddStringValue(data, "\"content\":\""u8);
        content |= Output.AddStringValue(data, "\"arguments\":\""u8);
        content |= Output.AddStringValue(data, "\"refusal\":\""u8);
        if (content)
        {
            Output.AddEvent();
        }
    }

    private SseEventFacts FeedResponses(ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        if (type.EndsWith(".delta"u8))
        {
            // Text, tool-call arguments and reasoning text all arrive as "delta":"…".
            Output.AddStringValue(data, "\"delta\":\""u8);
            Output.AddEvent();
            return default;
        }

        bool completed = type.SequenceEqual("response.completed"u8) || type.SequenceEqual("response.incomplete"u8);
        bool failed = !completed && type.SequenceEqual("response.failed"u8);
        if (completed || failed)
        {
            SawTerminalEvent |= completed;
            SawError |= failed;
            if (UsageJsonReader.TryReadEnvelope(data, "response"u8, UsageDialect.OpenAIResponses, Model is null, out UsageEnvelope envelope))
            {
                Model ??= envelope.Model;
                if (envelope.HasUsage)
                {
                    _parts = envelope.Usage;
                    Reported = true;
                    _outputReported = true;
                    return new SseEventFacts(true, false, 0, 0);
                }
            }

            return default;
        }

        if (Model is null && (type.SequenceEqual("response.created"u8) || type.SequenceEqual("response.in_progress"u8)))
        {
            if (UsageJsonReader.TryReadEnvelope(data, "response"u8, UsageDialect.OpenAIResponses, readModel: true, out UsageEnvelope envelope))
            {
                Model = envelope.Model;
            }
        }
        else if (type.SequenceEqual("error"u8))
        {
            SawError = true;
        }

        return default;
    }

    private SseEventFacts FeedAnthropic(ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        if (type.SequenceEqual("content_block_delta"u8))
        {
            // text_delta, input_json_delta (tool input) and thinking_delta; a signature is not output text.
            _ = Output.AddStringValue(data, "\"text\":\""u8)
                || Output.AddStringValue(data, "\"partial_json\":\""u8)
                || Output.AddStringValue(data, "\"thinking\":\""u8);
            Output.AddEvent();
            return default;
        }

        if (type.SequenceEqual("message_start"u8))
        {
            if (UsageJsonReader.TryReadEnvelope(data, "message"u8, UsageDialect.Anthropic, Model is null, out UsageEnvelope envelope))
            {
                Model ??= envelope.Model;
                if (envelope.HasUsage)
                {
                    _parts = envelope.Usage;
                    _sawMessageStart = true;
                    Reported = _outputReported;
                    return new SseEventFacts(true, false, 0, 0);
                }
            }

            return default;
        }

        if (type.SequenceEqual("message_delta"u8))
        {
            if (UsageJsonReader.TryReadEnvelope(data, default, UsageDialect.Anthropic, readModel: false, out UsageEnvelope envelope)
                && envelope.HasUsage)
            {
                _parts.Update(envelope.Usage);
                _outputReported |= (envelope.Usage.Present & UsageFields.Output) != 0;
                Reported = _outputReported && (_sawMessageStart || (envelope.Usage.Present & UsageFields.Input) != 0);
                return new SseEventFacts(true, false, 0, 0);
            }

            return default;
        }

        if (type.SequenceEqual("message_stop"u8))
        {
            SawTerminalEvent = true;
        }
        else if (type.SequenceEqual("error"u8))
        {
            SawError = true;
        }

        return default;
    }
}
