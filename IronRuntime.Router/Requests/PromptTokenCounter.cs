using System.Buffers;
using System.Text.Json;
using Microsoft.ML.Tokenizers;

namespace IronRuntime.Router.Requests;

/// <summary>
/// Counts the prompt tokens of an OpenAI request with the model family's tokenizer (o200k_base or cl100k_base, via
/// Microsoft.ML.Tokenizers) plus OpenAI's documented per-message framing, as an upper bound of what OpenAI bills.
/// </summary>
/// <remarks>
/// <para>
/// Messages (<c>messages</c>, <c>input</c>): every string value is tokenized after JSON unescaping (content, text
/// parts, role, name — a role or a part's <c>type</c> counts a token or two more than OpenAI does), plus 3 tokens
/// per message and 1 per <c>name</c>, plus 3 priming the reply: the OpenAI cookbook's "How to count tokens with
/// tiktoken". <c>instructions</c> and a string <c>input</c> count as one message. Image, audio and file payloads are
/// skipped here; the caller adds its fixed bound per part. Every other member whose value is an object or an array
/// (tools, response format, …) is tokenized as its raw JSON text, which has more tokens than the rendering OpenAI
/// feeds the model. Scalars (model, temperature, limits) are not prompt. A margin of <see cref="Margin"/> tokens
/// covers what the provider adds on its side.
/// </para>
/// <para>Returns null for models without a known OpenAI tokenizer (Anthropic's is not public).</para>
/// </remarks>
internal static class PromptTokenCounter
{
    /// <summary>Tokens added to every count for what the provider adds around the prompt.</summary>
    public const int Margin = 8;

    private const int TokensPerMessage = 3;
    private const int ReplyPriming = 3;

    private static readonly Lazy<Tokenizer> O200k = new(() => TiktokenTokenizer.CreateForEncoding("o200k_base"));
    private static readonly Lazy<Tokenizer> Cl100k = new(() => TiktokenTokenizer.CreateForEncoding("cl100k_base"));

    /// <summary>The tokenizer of an OpenAI model family, or null.</summary>
    public static Tokenizer? ForModel(string model)
    {
        ReadOnlySpan<char> m = model;
        if (m.StartsWith("gpt-4o") || m.StartsWith("chatgpt-4o") || m.StartsWith("gpt-4.1") || m.StartsWith("gpt-4.5")
            || m.StartsWith("gpt-5") || m.StartsWith("o1") || m.StartsWith("o3") || m.StartsWith("o4") || m.StartsWith("gpt-oss"))
        {
            return O200k.Value;
        }

        if (m.StartsWith("gpt-4") || m.StartsWith("gpt-3.5") || m.StartsWith("text-embedding-"))
        {
            return Cl100k.Value;
        }

        return null;
    }

    /// <summary>An upper bound of the prompt tokens of <paramref name="body"/>, or null when the model has no known tokenizer.</summary>
    public static long? Count(ReadOnlySpan<byte> body, LlmApi api, string model)
    {
        if (ForModel(model) is not { } tokenizer)
        {
            return null;
        }

        char[] chars = ArrayPool<char>.Shared.Rent(1024);
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 256 });
            long total = api == LlmApi.Embeddings ? 0 : ReplyPriming;
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool prompt = reader.ValueTextEquals("messages"u8) || reader.ValueTextEquals("input"u8) || reader.ValueTextEquals("instructions"u8);
                reader.Read();
                if (prompt)
                {
                    total += CountPrompt(ref reader, tokenizer, ref chars, api);
                }
                else if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    int start = (int)reader.TokenStartIndex;
                    reader.Skip();
                    total += CountUtf8(body[start..((int)reader.TokenStartIndex + 1)], tokenizer, ref chars);
                }
            }

            return total + Margin;
        }
        catch (JsonException)
        {
            return null;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    private static long CountPrompt(ref Utf8JsonReader reader, Tokenizer tokenizer, ref char[] chars, LlmApi api)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return CountString(ref reader, tokenizer, ref chars) + (api == LlmApi.Embeddings ? 0 : TokensPerMessage);
        }

        if (reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
        {
            return 0;
        }

        long total = 0;
        int baseDepth = reader.CurrentDepth;
        bool skipNext = false;
        while (reader.Read() && reader.CurrentDepth > baseDepth)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject when reader.CurrentDepth == baseDepth + 1 && api != LlmApi.Embeddings:
                    total += TokensPerMessage;
                    break;
                case JsonTokenType.PropertyName:
                    // Payloads that the caller bounds per part: image URLs (often data URLs), audio and file data.
                    skipNext = reader.ValueTextEquals("url"u8) || reader.ValueTextEquals("image_url"u8) || reader.ValueTextEquals("data"u8)
                               || reader.ValueTextEquals("file_data"u8) || reader.ValueTextEquals("file_id"u8) || reader.ValueTextEquals("file_url"u8);
                    if (reader.ValueTextEquals("name"u8))
                    {
                        total++;
                    }

                    break;
                case JsonTokenType.String:
                    if (!skipNext)
                    {
                        total += CountString(ref reader, tokenizer, ref chars);
                    }

                    skipNext = false;
                    break;
                case JsonTokenType.Number:
                    // Embeddings may be token arrays: one token per number.
                    total++;
                    skipNext = false;
                    break;
                default:
                    skipNext = false;
                    break;
            }
        }

        return total;
    }

    private static int CountString(ref Utf8JsonReader reader, Tokenizer tokenizer, ref char[] chars)
    {
        int max = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        if (chars.Length < max)
        {
            ArrayPool<char>.Shared.Return(chars);
            chars = ArrayPool<char>.Shared.Rent(max);
        }

        int length = reader.CopyString(chars);
        return length == 0 ? 0 : ChunkedTokenCount.Count(tokenizer, chars.AsSpan(0, length));
    }

    private static int CountUtf8(ReadOnlySpan<byte> utf8, Tokenizer tokenizer, ref char[] chars)
    {
        int max = System.Text.Encoding.UTF8.GetMaxCharCount(utf8.Length);
        if (chars.Length < max)
        {
            ArrayPool<char>.Shared.Return(chars);
            chars = ArrayPool<char>.Shared.Rent(max);
        }

        int length = System.Text.Encoding.UTF8.GetChars(utf8, chars);
        return ChunkedTokenCount.Count(tokenizer, chars.AsSpan(0, length));
    }
}
