using System.Net;
using System.Net.Http.Headers;
using System.Text;
using IronRuntime.Router.Providers;

namespace IronRuntime.Router.Simulation;

/// <summary>
/// A primary handler that answers LLM requests locally, without any network: the simulated provider
/// for development and CI (what other gateways call a mock-response mode).
/// </summary>
/// <remarks>
/// <para>
/// It answers <c>POST …/chat/completions</c>, <c>…/responses</c>, <c>…/embeddings</c> (OpenAI) and
/// <c>…/messages</c> (Anthropic) in the providers' exact wire formats, streamed (<c>"stream": true</c>,
/// a real stream whose bytes come out event by event) or not, so the official SDKs and the router's
/// own parsing see what a provider would send. Anything else gets the provider's 404.
/// </para>
/// <para>
/// Answers are deterministic: the text is <c>Simulated reply to: </c> and the first 60 characters of
/// the last user message, followed by a few fixed sentences. Usage figures are realistic estimates:
/// input tokens are the ceiling of a quarter of the prompt text's UTF-8 bytes plus 3 per message;
/// output tokens the same estimate of the reply. The output limit (<c>max_tokens</c>,
/// <c>max_completion_tokens</c>, <c>max_output_tokens</c>) truncates the reply and reports it
/// (<c>finish_reason: "length"</c>, <c>stop_reason: "max_tokens"</c>, <c>status: "incomplete"</c>).
/// Ids are derived from the request body and a per-handler counter; timestamps come from the
/// <see cref="TimeProvider"/>.
/// </para>
/// <para>
/// API keys are not checked. A body that is not valid JSON, or lacks what the API requires (the
/// model; for Anthropic also <c>max_tokens</c> and <c>messages</c>), gets the provider's 400.
/// </para>
/// </remarks>
internal sealed class SimulatedProviderHandler : HttpMessageHandler
{
    /// <summary>How much of the last user message the reply quotes.</summary>
    public const int QuotedLength = 60;

    private const string ReplyPrefix = "Simulated reply to: ";

    private const string ReplyBody =
        "\n\nThis answer comes from the IronRuntime simulated provider, which runs locally and never calls a model. " +
        "The same request always gets the same text, so tests stay repeatable. " +
        "Token counts are estimated from the length of the prompt and of this reply. " +
        "Switch the simulation off to reach the real provider.";

    private readonly TimeProvider _timeProvider;
    private long _sequence;

    /// <summary>Creates the handler.</summary>
    /// <param name="timeProvider">The source of the answers' timestamps.</param>
    public SimulatedProviderHandler(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
    }

    /// <summary>The reply the simulation gives to a prompt whose last user message is <paramref name="lastUserText"/>.</summary>
    public static string ReplyTo(string lastUserText)
    {
        ArgumentNullException.ThrowIfNull(lastUserText);
        return ReplyPrefix + Quote(lastUserText) + ReplyBody;
    }

    /// <inheritdoc/>
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        byte[] body = request.Content is null
            ? []
            : await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return Answer(request, body);
    }

    /// <inheritdoc/>
    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        byte[] body = [];
        if (request.Content is not null)
        {
            using Stream content = request.Content.ReadAsStream(cancellationToken);
            using var copy = new MemoryStream();
            content.CopyTo(copy);
            body = copy.ToArray();
        }

        return Answer(request, body);
    }

    private HttpResponseMessage Answer(HttpRequestMessage request, byte[] body)
    {
        LlmApi api = RouteOf(request);
        WireIds ids = WireIds.From(body, Interlocked.Increment(ref _sequence));
        if (api == LlmApi.Unknown)
        {
            return NotFound(request, ids);
        }

        string requestId = api == LlmApi.Messages ? ids.AnthropicRequestId() : ids.OpenAIRequestId();
        if (!ProviderRequest.TryParse(api, body, out ProviderRequest? parsed, out ProviderRequestError error))
        {
            return Respond(request, api, requestId, (HttpStatusCode)error.StatusCode, Json(ProviderWireWriter.Error(api, error, requestId)));
        }

        long created = _timeProvider.GetUtcNow().ToUnixTimeSeconds();
        if (api == LlmApi.Embeddings)
        {
            return Respond(request, api, requestId, HttpStatusCode.OK, Json(ProviderWireWriter.ToJsonBytes(CreateEmbeddings(parsed))));
        }

        ProviderReply reply = CreateReply(parsed, ids, created);
        HttpContent content = parsed.Stream
            ? EventStream(ProviderWireWriter.StreamEvents(reply))
            : Json(ProviderWireWriter.ToJsonBytes(reply));
        return Respond(request, api, requestId, HttpStatusCode.OK, content);
    }

    private static ProviderReply CreateReply(ProviderRequest request, WireIds ids, long created)
    {
        string text = ReplyTo(request.LastUserText);
        long outputTokens = TokenEstimator.FromUtf8Bytes(Encoding.UTF8.GetByteCount(text));
        bool truncated = false;
        if (request.MaxOutputTokens is long limit && outputTokens > limit)
        {
            text = ReplyText.TruncateToUtf8Bytes(text, limit * 4);
            outputTokens = limit;
            truncated = true;
        }

        return new ProviderReply
        {
            Api = request.Api,
            Model = request.Model,
            Id = request.Api switch
            {
                LlmApi.ChatCompletions => ids.ChatCompletionId(),
                LlmApi.Responses => ids.ResponseId(),
                _ => ids.AnthropicMessageId(),
            },
            ItemId = ids.ResponseItemId(),
            Created = created,
            Deltas = ReplyText.SplitIntoDeltas(text),
            Usage = new TokenUsage(request.EstimatedInputTokens, outputTokens),
            Truncated = truncated,
            IncludeUsage = request.IncludeUsage,
            IncludeObfuscation = request.IncludeObfuscation,
            ObfuscationSeed = ids.Seed,
            SystemFingerprint = WireIds.From(Encoding.UTF8.GetBytes(request.Model), 0).SystemFingerprint(),
            Instructions = request.Instructions,
            MaxOutputTokens = request.Api == LlmApi.Responses ? request.MaxOutputTokens : null,
            PreviousResponseId = request.PreviousResponseId,
            Store = request.Store,
        };
    }

    private static EmbeddingsReply CreateEmbeddings(ProviderRequest request)
    {
        int dimensions = request.Dimensions ?? EmbeddingVectors.DefaultDimensions(request.Model);
        var vectors = new float[request.EmbeddingTexts.Count][];
        for (int i = 0; i < vectors.Length; i++)
        {
            vectors[i] = EmbeddingVectors.Create(request.EmbeddingTexts[i], i, dimensions);
        }

        return new EmbeddingsReply
        {
            Model = request.Model,
            Vectors = vectors,
            Base64 = request.Base64Embeddings,
            PromptTokens = request.EstimatedInputTokens,
        };
    }

    /// <summary>The first <see cref="QuotedLength"/> characters of <paramref name="text"/>, whitespace runs folded to one space, no character split.</summary>
    private static string Quote(string text)
    {
        var quoted = new StringBuilder(QuotedLength + 1);
        bool pendingSpace = false;
        foreach (Rune rune in text.AsSpan().Trim().EnumerateRunes())
        {
            if (Rune.IsWhiteSpace(rune) || Rune.IsControl(rune))
            {
                pendingSpace = true;
                continue;
            }

            int needed = rune.Utf16SequenceLength + (pendingSpace ? 1 : 0);
            if (quoted.Length + needed > QuotedLength)
            {
                break;
            }

            if (pendingSpace)
            {
                quoted.Append(' ');
                pendingSpace = false;
            }

            quoted.Append(rune.ToString());
        }

        return quoted.ToString();
    }

    /// <summary>The API of a request the router would meter (the router's own route table); Unknown for anything else.</summary>
    private static LlmApi RouteOf(HttpRequestMessage request)
    {
        if (request.RequestUri is null)
        {
            return LlmApi.Unknown;
        }

        string path = request.RequestUri.IsAbsoluteUri ? request.RequestUri.AbsolutePath : request.RequestUri.OriginalString;
        return ProviderDetector.DetectApi(request.Method, path, out _, out _);
    }

    private static HttpResponseMessage NotFound(HttpRequestMessage request, WireIds ids)
    {
        string path = request.RequestUri is { IsAbsoluteUri: true } uri ? uri.AbsolutePath : request.RequestUri?.OriginalString ?? "/";
        if (path.Contains("/messages", StringComparison.Ordinal))
        {
            string anthropicId = ids.AnthropicRequestId();
            return Respond(request, LlmApi.Messages, anthropicId, HttpStatusCode.NotFound, Json(ProviderWireWriter.AnthropicError("not_found_error", "Not Found", anthropicId)));
        }

        string message = $"Invalid URL ({request.Method.Method} {path})";
        return Respond(request, LlmApi.Unknown, ids.OpenAIRequestId(), HttpStatusCode.NotFound, Json(ProviderWireWriter.OpenAIError(message, "invalid_request_error")));
    }

    private static HttpResponseMessage Respond(HttpRequestMessage request, LlmApi api, string requestId, HttpStatusCode status, HttpContent content)
    {
        var response = new HttpResponseMessage(status)
        {
            RequestMessage = request,
            Content = content,
        };
        response.Headers.TryAddWithoutValidation(api == LlmApi.Messages ? "request-id" : "x-request-id", requestId);
        if (content is StreamContent)
        {
            response.Headers.CacheControl = new CacheControlHeaderValue { NoCache = true };
        }

        return response;
    }

    private static ByteArrayContent Json(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(ProviderWireWriter.JsonContentType);
        return content;
    }

    private static StreamContent EventStream(IEnumerable<ReadOnlyMemory<byte>> frames)
    {
        var content = new StreamContent(new EventReadStream(frames));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(ProviderWireWriter.EventStreamContentType);
        return content;
    }
}
