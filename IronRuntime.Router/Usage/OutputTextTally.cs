using System.Buffers;
using System.Text;
using System.Text.Json;
using IronRuntime.Router.Requests;

namespace IronRuntime.Router.Usage;

/// <summary>
/// Collects the text an answer carried so far (content, tool-call arguments, reasoning text, as JSON string contents
/// still escaped) so that a call whose usage never arrives can be charged the tokens of what was generated.
/// </summary>
/// <remarks>
/// <para>
/// The hot path only copies the bytes between a string's quotes into a pooled buffer; nothing is decoded or counted
/// until <see cref="CountTokens"/>, which runs once, when a call settles without usage. The contents of several JSON
/// strings concatenated are still the contents of one JSON string, so the whole buffer is unescaped in one read.
/// </para>
/// <para>
/// The count: OpenAI models with a known tokenizer (o200k_base / cl100k_base by family, as
/// <see cref="PromptTokenCounter.ForModel"/>) are counted with it; every other model (Anthropic publishes no
/// tokenizer) is counted as the text's UTF-8 bytes, a safe upper bound since a BPE token never covers less than one
/// byte. Text past <see cref="MaxTextBytes"/>, a string that never closed, or text that cannot be unescaped is counted
/// as its bytes too. Never less than one token per content event.
/// </para>
/// <para>Not thread-safe; one instance per call. <see cref="Release"/> gives the buffer back.</para>
/// </remarks>
internal sealed class OutputTextTally
{
    /// <summary>The most text kept for tokenizing; beyond it, bytes are counted.</summary>
    public const int MaxTextBytes = 1 << 20;

    private byte[]? _text;   // _text[0] is a quote, so the buffer reads as one JSON string at the end
    private int _length;     // bytes used, the leading quote included
    private long _uncountedBytes;

    /// <summary>The number of content events seen.</summary>
    public long Events { get; private set; }

    /// <summary>Whether nothing was added.</summary>
    public bool IsEmpty => Events == 0 && _length <= 1 && _uncountedBytes == 0;

    /// <summary>Counts one content event whose text is added separately (or that carried none).</summary>
    public void AddEvent() => Events++;

    /// <summary>Adds the still-escaped contents of one JSON string (without its quotes).</summary>
    public void AddEscaped(ReadOnlySpan<byte> contents)
    {
        if (contents.IsEmpty)
        {
            return;
        }

        if (_length + contents.Length + 1 > MaxTextBytes)
        {
            _uncountedBytes += contents.Length;
            return;
        }

        if (_text is null || _length + contents.Length + 1 > _text.Length)
        {
            Grow(contents.Length + 1);
        }

        contents.CopyTo(_text.AsSpan(_length));
        _length += contents.Length;
    }

    /// <summary>Adds bytes that are counted as one token each.</summary>
    public void AddUncounted(int bytes) => _uncountedBytes += bytes;

    /// <summary>
    /// Adds the contents of a JSON string that was cut before its closing quote: up to the last whole escape and
    /// UTF-8 sequence as text, the few bytes after that as one token each.
    /// </summary>
    public void AddPartialEscaped(ReadOnlySpan<byte> contents)
    {
        int keep = contents.Length;
        int backslash = contents[Math.Max(0, keep - 6)..].LastIndexOf((byte)'\\');
        if (backslash >= 0)
        {
            keep = Math.Max(0, keep - 6) + backslash; // a possibly unfinished escape (\uXXXX is six bytes)
        }

        int lead = keep - 1;
        while (lead >= 0 && keep - lead <= 4 && (contents[lead] & 0xC0) == 0x80)
        {
            lead--;
        }

        if (lead >= 0 && contents[lead] >= 0xC0)
        {
            int sequence = contents[lead] >= 0xF0 ? 4 : contents[lead] >= 0xE0 ? 3 : 2;
            if (keep - lead < sequence)
            {
                keep = lead; // an unfinished UTF-8 sequence
            }
        }

        AddEscaped(contents[..keep]);
        AddUncounted(contents.Length - keep);
    }

    /// <summary>
    /// Finds the first string value of <paramref name="keyAndQuote"/> (for example <c>"content":"</c>) in
    /// <paramref name="json"/> and adds its contents; true when it is not empty. A string cut before its closing
    /// quote adds what arrived (<see cref="AddPartialEscaped"/>).
    /// </summary>
    public bool AddStringValue(ReadOnlySpan<byte> json, ReadOnlySpan<byte> keyAndQuote)
    {
        int at = json.IndexOf(keyAndQuote);
        if (at < 0)
        {
            return false;
        }

        ReadOnlySpan<byte> rest = json[(at + keyAndQuote.Length)..];
        int end = ClosingQuote(rest);
        if (end < 0)
        {
            AddPartialEscaped(rest);
            return !rest.IsEmpty;
        }

        AddEscaped(rest[..end]);
        return end > 0;
    }

    /// <summary>The index of the quote that closes a JSON string whose contents start <paramref name="contents"/>, or -1.</summary>
    public static int ClosingQuote(ReadOnlySpan<byte> contents)
    {
        int offset = 0;
        while (true)
        {
            int i = contents[offset..].IndexOfAny((byte)'"', (byte)'\\');
            if (i < 0)
            {
                return -1;
            }

            offset += i;
            if (contents[offset] == (byte)'"')
            {
                return offset;
            }

            offset += 2; // a backslash escapes the next byte (\uXXXX's hex digits are plain bytes)
            if (offset >= contents.Length)
            {
                return -1;
            }
        }
    }

    /// <summary>
    /// The output tokens of what was added, for <paramref name="model"/>: at least one per content event. Releases the
    /// buffer.
    /// </summary>
    public long CountTokens(string? model)
    {
        long tokens = _uncountedBytes;
        if (_text is not null && _length > 1)
        {
            _text[_length] = (byte)'"'; // the spare byte every write keeps
            tokens += CountText(_text.AsSpan(0, _length + 1), model);
        }

        Release();
        return Math.Max(tokens, Events);
    }

    /// <summary>Gives the buffer back to the pool; the tally is then empty of text.</summary>
    public void Release()
    {
        if (_text is { } text)
        {
            _text = null;
            _length = 0;
            ArrayPool<byte>.Shared.Return(text);
        }
    }

    /// <summary>The tokens of one quoted JSON string: tokenizer for known OpenAI models, else its UTF-8 bytes.</summary>
    private static long CountText(ReadOnlySpan<byte> json, string? model)
    {
        long escapedBytes = json.Length - 2;
        byte[] utf8 = ArrayPool<byte>.Shared.Rent(json.Length);
        char[]? chars = null;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.String)
            {
                return escapedBytes;
            }

            int length = reader.CopyString(utf8);
            if (model is null || PromptTokenCounter.ForModel(model) is not { } tokenizer)
            {
                return length;
            }

            chars = ArrayPool<char>.Shared.Rent(Encoding.UTF8.GetMaxCharCount(length));
            int charCount = Encoding.UTF8.GetChars(utf8.AsSpan(0, length), chars);
            return tokenizer.CountTokens(chars.AsSpan(0, charCount), considerPreTokenization: true, considerNormalization: true);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException)
        {
            return escapedBytes;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(utf8);
            if (chars is not null)
            {
                ArrayPool<char>.Shared.Return(chars);
            }
        }
    }

    private void Grow(int needed)
    {
        int size = Math.Max(256, (_text?.Length ?? 0) * 2);
        while (size < _length + needed + 1)
        {
            size *= 2;
        }

        byte[] next = ArrayPool<byte>.Shared.Rent(Math.Min(size, MaxTextBytes + 1));
        if (_text is null)
        {
            next[0] = (byte)'"';
            _length = 1;
        }
        else
        {
            _text.AsSpan(0, _length).CopyTo(next);
            ArrayPool<byte>.Shared.Return(_text);
        }

        _text = next;
    }
}
