using System.Buffers;
using System.Text;
using IronRuntime.Pii;
using IronRuntime.Router;
using Microsoft.Extensions.AI;

namespace IronRuntime.ChatClients.Internal;

/// <summary>
/// The PII policy (<see cref="PiiOptions.RequestMode"/>, <see cref="PiiOptions.ResponseMode"/>) applied to chat
/// messages and streamed updates with the runtime's scanner: the same engine, replacements, audit and metrics as on the
/// wire. Texts are changed in copies; the caller's messages are never modified.
/// </summary>
internal sealed class ChatPii(IPiiScanner scanner, PiiOptions options)
{
    public bool ScansRequests => options.RequestMode != PiiMode.Off;

    public bool ScansResponses => options.ResponseMode != PiiMode.Off;

    /// <summary>The messages to send: the same list when nothing changes, else copies with redacted texts.</summary>
    /// <exception cref="ContentBlockedException">Block mode found a value.</exception>
    public IList<ChatMessage> Screen(IList<ChatMessage> messages, string? agentId)
    {
        if (!ScansRequests)
        {
            return messages;
        }

        List<ChatMessage>? copy = null;
        for (int i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            List<AIContent>? contents = null;
            for (int j = 0; j < message.Contents.Count; j++)
            {
                if (message.Contents[j] is TextContent { Text: { Length: > 0 } text } && ScanWhole(text, LlmContentDirection.Request, agentId) is { } redacted)
                {
                    contents ??= [.. message.Contents];
                    contents[j] = new TextContent(redacted) { AdditionalProperties = message.Contents[j].AdditionalProperties };
                }
            }

            if (contents is not null)
            {
                copy ??= [.. messages];
                var changed = message.Clone();
                changed.Contents = contents;
                copy[i] = changed;
            }
        }

        return copy ?? messages;
    }

    /// <summary>Applies the response policy to a whole answer, in place (the answer is the caller's own copy).</summary>
    /// <exception cref="ContentBlockedException">Block mode found a value.</exception>
    public void Screen(ChatResponse response, string? agentId)
    {
        if (!ScansResponses)
        {
            return;
        }

        foreach (var message in response.Messages)
        {
            for (int j = 0; j < message.Contents.Count; j++)
            {
                if (message.Contents[j] is TextContent { Text: { Length: > 0 } text } && ScanWhole(text, LlmContentDirection.Response, agentId) is { } redacted)
                {
                    message.Contents[j] = new TextContent(redacted) { AdditionalProperties = message.Contents[j].AdditionalProperties };
                }
            }
        }
    }

    /// <summary>The scanner of one streamed answer, or null when responses are not scanned.</summary>
    public StreamScreen? ForStream(string? agentId) =>
        ScansResponses ? new StreamScreen(scanner.CreateStreamingScanner(LlmContentDirection.Response, agentId)) : null;

    /// <summary>The redacted text, or null when unchanged.</summary>
    private string? ScanWhole(string text, LlmContentDirection direction, string? agentId)
    {
        using var textScanner = scanner.CreateStreamingScanner(direction, agentId);
        var output = new ArrayBufferWriter<byte>();
        var status = textScanner.Scan(Encoding.UTF8.GetBytes(text), isFinal: true, output);
        return status switch
        {
            LlmTextScanStatus.Blocked => throw Blocked(direction, textScanner.BlockedEntityTypes),
            LlmTextScanStatus.Rewritten => Encoding.UTF8.GetString(output.WrittenSpan),
            _ => null,
        };
    }

    public static ContentBlockedException Blocked(LlmContentDirection direction, IReadOnlyList<string> entityTypes) =>
        new((direction == LlmContentDirection.Request ? "IronRuntime refused the request" : "IronRuntime ended the response")
            + " because it contains personal data or secrets: " + string.Join(", ", entityTypes) + ".")
        {
            EntityTypes = [.. entityTypes],
            InRequest = direction == LlmContentDirection.Request,
        };

    /// <summary>
    /// The response policy over one stream: texts of successive updates are one text, so a value split across updates is
    /// found; text that could be the start of a value is held back until it is settled, and released at the end.
    /// </summary>
    internal sealed class StreamScreen(ILlmTextScanner textScanner) : IDisposable
    {
        private readonly ArrayBufferWriter<byte> _output = new();

        /// <summary>Rewrites the update's texts in place.</summary>
        /// <exception cref="ContentBlockedException">Block mode found a value.</exception>
        public void Apply(ChatResponseUpdate update)
        {
            for (int j = 0; j < update.Contents.Count; j++)
            {
                if (update.Contents[j] is TextContent { Text: { Length: > 0 } text } content)
                {
                    _output.Clear();
                    var status = textScanner.Scan(Encoding.UTF8.GetBytes(text), isFinal: false, _output);
                    if (status == LlmTextScanStatus.Blocked)
                    {
                        throw Blocked(LlmContentDirection.Response, textScanner.BlockedEntityTypes);
                    }

                    if (status == LlmTextScanStatus.Rewritten)
                    {
                        update.Contents[j] = new TextContent(Encoding.UTF8.GetString(_output.WrittenSpan)) { AdditionalProperties = content.AdditionalProperties };
                    }
                }
            }
        }

        /// <summary>The text still held back at the end of the stream (redacted), or null.</summary>
        /// <exception cref="ContentBlockedException">Block mode found a value.</exception>
        public string? Flush()
        {
            _output.Clear();
            var status = textScanner.Scan([], isFinal: true, _output);
            if (status == LlmTextScanStatus.Blocked)
            {
                throw Blocked(LlmContentDirection.Response, textScanner.BlockedEntityTypes);
            }

            return status == LlmTextScanStatus.Rewritten && _output.WrittenCount > 0 ? Encoding.UTF8.GetString(_output.WrittenSpan) : null;
        }

        public void Dispose() => textScanner.Dispose();
    }
}
