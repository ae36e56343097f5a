using System.Buffers;
using System.Text.Json;
using IronRuntime.Router.Wire;

namespace IronRuntime.Router.Content;

/// <summary>
/// Filters the text strings of one JSON document (a request body, a JSON answer, or a stream snapshot event): each
/// string is one complete text stream for a new scanner; changed strings are re-escaped and spliced into a copy, every
/// other byte is kept. Reusable, not thread-safe.
/// </summary>
internal sealed class JsonContentRewriter
{
    private const int MaxDepth = 128;
    private const byte ArrayOfText = 1;
    private const byte Subtree = 2;
    private const byte IsArray = 4;

    private readonly ArrayBufferWriter<byte> _replacements = new();
    private readonly ArrayBufferWriter<byte> _scanned = new();
    private readonly List<JsonEdit> _edits = [];

    /// <summary>The rewritten document after <see cref="ContentRewrite.Rewritten"/>.</summary>
    public ArrayBufferWriter<byte> Output { get; } = new();

    /// <summary>The entity types after <see cref="ContentRewrite.Blocked"/>.</summary>
    public IReadOnlyList<string> BlockedEntityTypes { get; private set; } = [];

    /// <summary>Filters <paramref name="json"/>; <paramref name="extra"/> edits (sorted, outside text strings) are applied too.</summary>
    public ContentRewrite Rewrite(ReadOnlySpan<byte> json, JsonTextScope scope, ILlmContentFilter filter, LlmCall call, LlmContentDirection direction, bool repeats, ReadOnlySpan<JsonEdit> extra = default)
    {
        _replacements.ResetWrittenCount();
        _edits.Clear();
        Output.ResetWrittenCount();
        try
        {
            ContentRewrite found = FindAndScan(json, scope, filter, call, direction, repeats);
            if (found != ContentRewrite.Unchanged)
            {
                return found;
            }
        }
        catch (JsonException)
        {
            return ContentRewrite.Unparsed;
        }

        if (_edits.Count == 0)
        {
            return ContentRewrite.Unchanged;
        }

        Merge(extra);
        JsonEdit.Apply(json, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_edits), _replacements.WrittenSpan, Output);
        return ContentRewrite.Rewritten;
    }

    private static bool IsTextName(ref Utf8JsonReader reader, JsonTextScope scope) => scope switch
    {
        JsonTextScope.Request => reader.ValueTextEquals(ChatCompletionsWire.Content) || reader.ValueTextEquals(MessagesWire.Text)
            || reader.ValueTextEquals(ResponsesWire.Instructions) || reader.ValueTextEquals(MessagesWire.System) || reader.ValueTextEquals(ResponsesWire.Input)
            || reader.ValueTextEquals(WireJson.Prompt) || reader.ValueTextEquals(ChatCompletionsWire.Arguments),
        JsonTextScope.ChatResponse => reader.ValueTextEquals(ChatCompletionsWire.Content) || reader.ValueTextEquals(ChatCompletionsWire.Refusal)
            || reader.ValueTextEquals(ChatCompletionsWire.Arguments),
        JsonTextScope.ResponsesResponse => reader.ValueTextEquals(ResponsesWire.Text) || reader.ValueTextEquals(ChatCompletionsWire.Arguments)
            || reader.ValueTextEquals(ChatCompletionsWire.Refusal),
        _ => reader.ValueTextEquals(MessagesWire.Text) || reader.ValueTextEquals(MessagesWire.PartialJson),
    };

    private void Merge(ReadOnlySpan<JsonEdit> extra)
    {
        if (extra.IsEmpty)
        {
            return;
        }

        foreach (JsonEdit edit in extra)
        {
            int at = 0;
            while (at < _edits.Count && _edits[at].Start < edit.Start)
            {
                at++;
            }

            _edits.Insert(at, edit with { ReplacementStart = 0, ReplacementLength = 0 });
        }
    }

    private ContentRewrite FindAndScan(ReadOnlySpan<byte> json, JsonTextScope scope, ILlmContentFilter filter, LlmCall call, LlmContentDirection direction, bool repeats)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxDepth });
        Span<byte> frames = stackalloc byte[MaxDepth + 1];
        int depth = 0;
        bool nameIsText = false;
        bool nameOpensSubtree = false;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    nameIsText = IsTextName(ref reader, scope);
                    nameOpensSubtree = scope == JsonTextScope.MessagesResponse && reader.ValueTextEquals(MessagesWire.Input);
                    break;
                case JsonTokenType.StartObject or JsonTokenType.StartArray:
                {
                    byte flags = reader.TokenType == JsonTokenType.StartArray ? IsArray : (byte)0;
                    if (flags == IsArray && nameIsText)
                    {
                        flags |= ArrayOfText;
                    }

                    if (nameOpensSubtree || (depth > 0 && (frames[depth - 1] & Subtree) != 0))
                    {
                        flags |= Subtree;
                    }

                    frames[depth++] = flags;
                    nameIsText = false;
                    nameOpensSubtree = false;
                    break;
                }

                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    depth--;
                    break;
                case JsonTokenType.String:
                {
                    byte parent = depth > 0 ? frames[depth - 1] : (byte)0;
                    bool scan = (parent & IsArray) != 0 ? (parent & ArrayOfText) != 0 : nameIsText;
                    scan |= (parent & Subtree) != 0;
                    nameIsText = false;
                    nameOpensSubtree = false;
                    if (scan && reader.ValueSpan.Length > 0)
                    {
                        int start = (int)reader.TokenStartIndex;
                        int length = reader.ValueSpan.Length + 2;
                        if (!ScanString(json.Slice(start, length), reader.ValueIsEscaped, start, filter, call, direction, repeats))
                        {
                            return ContentRewrite.Blocked;
                        }
                    }

                    break;
                }

                default:
                    nameIsText = false;
                    nameOpensSubtree = false;
                    break;
            }
        }

        return ContentRewrite.Unchanged;
    }

    /// <summary>Scans one string token; false when a scanner blocks.</summary>
    private bool ScanString(ReadOnlySpan<byte> token, bool escaped, int start, ILlmContentFilter filter, LlmCall call, LlmContentDirection direction, bool repeats)
    {
        byte[]? scratch = null;
        try
        {
            ReadOnlySpan<byte> text = JsonText.Unescape(token, escaped, ref scratch);
            using ILlmTextScanner scanner = filter.CreateScanner(call, direction, repeats);
            _scanned.ResetWrittenCount();
            LlmTextScanStatus status = scanner.Scan(text, isFinal: true, _scanned);
            if (status == LlmTextScanStatus.Blocked)
            {
                BlockedEntityTypes = [.. scanner.BlockedEntityTypes];
                return false;
            }

            if (status == LlmTextScanStatus.Rewritten)
            {
                int at = _replacements.WrittenCount;
                JsonText.WriteString(_scanned.WrittenSpan, _replacements);
                _edits.Add(new JsonEdit(start, token.Length, at, _replacements.WrittenCount - at));
            }

            return true;
        }
        finally
        {
            if (scratch is not null)
            {
                ArrayPool<byte>.Shared.Return(scratch);
            }
        }
    }
}
