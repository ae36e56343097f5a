using System.Globalization;
using System.Text;
using IronRuntime.Router;
using Microsoft.AspNetCore.Http;

namespace IronRuntime.Tests.Fakes;

public sealed partial class FakeProvider
{
    private static readonly TimeSpan DrainTime = TimeSpan.FromMilliseconds(50);

    private static readonly byte[] NotJsonBody = Encoding.UTF8.GetBytes(
        "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n");

    /// <summary>
    /// The exact bytes the fake answers <paramref name="requestBody"/> sent to <paramref name="path"/> with,
    /// given the current knobs (the JSON body, the whole SSE stream, or the error body).
    /// </summary>
    /// <exception cref="InvalidOperationException">Unless <see cref="FixedIds"/> and <see cref="FixedCreated"/> are set (otherwise the answer depends on arrival order and time).</exception>
    public byte[] RenderResponse(string path, ReadOnlySpan<byte> requestBody)
    {
        Settings settings = Read();
        if (!settings.FixedIds || settings.FixedCreated is null)
        {
            throw new InvalidOperationException("Set FixedIds and FixedCreated to make answers reproducible.");
        }

        LlmApi api = RouteOf(path);
        if (api == LlmApi.Unknown)
        {
            throw new ArgumentException($"{path} is not a route of the fake provider.", nameof(path));
        }

        Answer answer = Prepare(api, requestBody.ToArray(), settings, sequence: 0);
        return answer.Stream is { } reply ? FakeWire.StreamBytes(reply) : answer.Body!;
    }

    private static LlmApi RouteOf(string path) => path switch
    {
        "/v1/chat/completions" => LlmApi.ChatCompletions,
        "/v1/responses" => LlmApi.Responses,
        "/v1/embeddings" => LlmApi.Embeddings,
        "/v1/messages" => LlmApi.Messages,
        _ => LlmApi.Unknown,
    };

    private async Task HandleAsync(HttpContext context)
    {
        try
        {
            await AnswerAsync(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            Interlocked.Increment(ref _aborted); // the client went away before the answer was complete
        }
    }

    private async Task AnswerAsync(HttpContext context)
    {
        HttpRequest request = context.Request;
        HttpResponse response = context.Response;
        CancellationToken aborted = context.RequestAborted;

        using var bodyCopy = new MemoryStream();
        await request.Body.CopyToAsync(bodyCopy, aborted);
        byte[] body = bodyCopy.ToArray();
        long sequence = Interlocked.Increment(ref _sequence);
        Arrived(new FakeRequest(
            request.Method,
            request.Path.Value ?? "/",
            request.QueryString.Value ?? string.Empty,
            request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            body) { Protocol = request.Protocol, ConnectionId = context.Connection.Id });

        if (HoldGate() is { } hold)
        {
            Interlocked.Increment(ref _waiting);
            try
            {
                await hold.WaitAsync(aborted);
            }
            finally
            {
                Interlocked.Decrement(ref _waiting);
            }
        }

        Settings settings = Read();
        if (settings.ResponseDelay > TimeSpan.Zero)
        {
            await Task.Delay(settings.ResponseDelay, _timeProvider, aborted);
        }

        string path = request.Path.Value ?? "/";
        LlmApi api = RouteOf(path);
        FakeIds ids = FakeIds.From(settings.FixedIds && settings.IdSeed is { } seed ? Encoding.UTF8.GetBytes(seed) : body, settings.FixedIds ? 0 : sequence);
        string requestId = api == LlmApi.Messages ? ids.AnthropicRequestId() : ids.OpenAIRequestId();
        response.Headers[api == LlmApi.Messages ? "request-id" : "x-request-id"] = requestId;
        if (api != LlmApi.Messages)
        {
            response.Headers["openai-version"] = "2020-10-01";
        }

        if (TakeForcedFailure() is { } failure)
        {
            if (failure.RetryAfter is { } retryAfter)
            {
                response.Headers.RetryAfter = ((long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            }

            byte[] failureBody = failure.Body is null
                ? FakeErrors.For(api, failure.StatusCode, requestId)
                : Encoding.UTF8.GetBytes(failure.Body);
            await WriteJsonAsync(response, failure.StatusCode, failureBody, settings, aborted);
            return;
        }

        if (api == LlmApi.Unknown)
        {
            await WriteJsonAsync(response, StatusCodes.Status404NotFound, FakeWire.OpenAIError($"Invalid URL ({request.Method} {path})", "invalid_request_error"), settings, aborted);
            return;
        }

        if (!HttpMethods.IsPost(request.Method))
        {
            byte[] notAllowed = api == LlmApi.Messages
                ? FakeWire.AnthropicError("not_found_error", "Not Found", requestId)
                : FakeWire.OpenAIError($"Invalid method for URL ({request.Method} {path})", "invalid_request_error");
            await WriteJsonAsync(response, api == LlmApi.Messages ? StatusCodes.Status404NotFound : StatusCodes.Status405MethodNotAllowed, notAllowed, settings, aborted);
            return;
        }

        if (Authenticate(api, request, requestId) is { } rejection)
        {
            await WriteJsonAsync(response, rejection.StatusCode, rejection.Body, settings, aborted);
            return;
        }

        if (TakeReplay() is { } replay)
        {
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = replay.Name.EndsWith(".sse", StringComparison.Ordinal) ? FakeWire.EventStreamContentType : FakeWire.JsonContentType;
            await WriteChunkedAsync(response, replay.Body, settings.WriteChunkSize, aborted);
            return;
        }

        if (settings.Garbage == FakeGarbage.NotJson)
        {
            response.ContentType = WantsStream(body) ? FakeWire.EventStreamContentType : FakeWire.JsonContentType;
            await WriteChunkedAsync(response, NotJsonBody, settings.WriteChunkSize, aborted);
            return;
        }

        Answer answer = Prepare(api, body, settings, sequence);
        if (answer.Stream is { } reply)
        {
            await WriteStreamAsync(context, reply, settings, aborted);
        }
        else if (settings.Garbage == FakeGarbage.CutBody && answer.StatusCode == StatusCodes.Status200OK)
        {
            response.StatusCode = answer.StatusCode;
            response.ContentType = FakeWire.JsonContentType;
            response.ContentLength = answer.Body!.Length;
            await WriteChunkedAsync(response, answer.Body.AsMemory(0, answer.Body.Length / 2), settings.WriteChunkSize, aborted);
            await AbortAsync(context);
        }
        else if (settings.Garbage == FakeGarbage.MalformedStream && answer.StatusCode == StatusCodes.Status200OK)
        {
            await WriteJsonAsync(response, answer.StatusCode, answer.Body.AsSpan(0, answer.Body!.Length / 2).ToArray(), settings, aborted);
        }
        else
        {
            await WriteJsonAsync(response, answer.StatusCode, answer.Body!, settings, aborted);
        }
    }

    /// <summary>Checks the credentials as the provider does; null when they pass.</summary>
    private static (int StatusCode, byte[] Body)? Authenticate(LlmApi api, HttpRequest request, string requestId)
    {
        string authorization = request.Headers.Authorization.ToString();
        string? bearer = authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization["Bearer ".Length..].Trim() : null;
        if (api != LlmApi.Messages)
        {
            if (string.IsNullOrEmpty(bearer))
            {
                return (StatusCodes.Status401Unauthorized, FakeWire.OpenAIError(FakeErrors.OpenAIMissingKeyMessage, "invalid_request_error"));
            }

            return bearer == OpenAIKey ? null : (StatusCodes.Status401Unauthorized, FakeErrors.OpenAIIncorrectKey(bearer));
        }

        string? apiKey = request.Headers.TryGetValue("x-api-key", out var value) ? value.ToString() : bearer;
        if (string.IsNullOrEmpty(apiKey))
        {
            return (StatusCodes.Status401Unauthorized, FakeWire.AnthropicError("authentication_error", "x-api-key header is required", requestId));
        }

        if (apiKey != AnthropicKey)
        {
            return (StatusCodes.Status401Unauthorized, FakeWire.AnthropicError("authentication_error", "invalid x-api-key", requestId));
        }

        if (string.IsNullOrEmpty(request.Headers["anthropic-version"].ToString()))
        {
            return (StatusCodes.Status400BadRequest, FakeWire.AnthropicError("invalid_request_error", "anthropic-version: header is required", requestId));
        }

        return null;
    }

    /// <summary>Validates the body and builds the answer: a stream to write, or a JSON body with its status.</summary>
    private Answer Prepare(LlmApi api, byte[] body, Settings settings, long sequence)
    {
        FakeIds ids = FakeIds.From(settings.FixedIds && settings.IdSeed is { } seed ? Encoding.UTF8.GetBytes(seed) : body, settings.FixedIds ? 0 : sequence);
        string requestId = api == LlmApi.Messages ? ids.AnthropicRequestId() : ids.OpenAIRequestId();
        if (!FakeRequestBody.TryParse(api, body, requestId, out FakeRequestBody? parsed, out var error))
        {
            return new Answer(error.StatusCode, error.Body, null);
        }

        if (api == LlmApi.Embeddings)
        {
            int dimensions = parsed.Dimensions ?? FakeVectors.DefaultDimensions(parsed.Model);
            byte[] embeddings = FakeWire.Embeddings(
                parsed.Model,
                [.. parsed.EmbeddingTexts.Select((text, i) => FakeVectors.Create(text, i, dimensions))],
                parsed.Base64Embeddings,
                Billing?.Invoke(api, body).InputTokens ?? settings.Usage?.InputTokens ?? parsed.BilledInputTokens);
            return new Answer(StatusCodes.Status200OK, embeddings, null);
        }

        List<string> deltas = SplitIntoDeltas(settings.ReplyText);
        long outputTokens = CountWords(settings.ReplyText);
        bool truncated = false;
        if (parsed.MaxOutputTokens is long limit && outputTokens > limit)
        {
            deltas = deltas.Take((int)limit).ToList();
            outputTokens = limit;
            truncated = true;
        }

        DateTimeOffset created = settings.FixedCreated ?? _timeProvider.GetUtcNow();
        var reply = new FakeReply
        {
            Api = api,
            Model = parsed.Model,
            Id = api switch
            {
                LlmApi.ChatCompletions => ids.ChatCompletionId(),
                LlmApi.Responses => ids.ResponseId(),
                _ => ids.AnthropicMessageId(),
            },
            ItemId = ids.ResponseItemId(),
            Created = created.ToUnixTimeSeconds(),
            Deltas = deltas,
            Usage = Billing?.Invoke(api, body) ?? settings.Usage ?? new TokenUsage(parsed.BilledInputTokens, outputTokens),
            Truncated = truncated,
            IncludeUsage = parsed.IncludeUsage,
            IncludeObfuscation = parsed.IncludeObfuscation,
            ObfuscationSeed = ids.Seed,
            SystemFingerprint = ids.SystemFingerprint(),
            Instructions = parsed.Instructions,
            MaxOutputTokens = api == LlmApi.Responses ? parsed.MaxOutputTokens : null,
            PreviousResponseId = parsed.PreviousResponseId,
            Store = parsed.Store,
        };
        return parsed.Stream
            ? new Answer(StatusCodes.Status200OK, null, reply)
            : new Answer(StatusCodes.Status200OK, FakeWire.JsonBody(reply), null);
    }

    private async Task WriteStreamAsync(HttpContext context, FakeReply reply, Settings settings, CancellationToken aborted)
    {
        HttpResponse response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = FakeWire.EventStreamContentType;
        response.Headers.CacheControl = "no-cache";
        await response.StartAsync(aborted);

        int written = 0;
        foreach (byte[] frame in FakeWire.StreamFrames(reply))
        {
            if (settings.AbortAfterEvents is int limit && written >= limit)
            {
                await AbortAsync(context);
                return;
            }

            if (written > 0 && settings.EventDelay > TimeSpan.Zero)
            {
                await Task.Delay(settings.EventDelay, _timeProvider, aborted);
            }

            if (settings.Garbage == FakeGarbage.MalformedStream && written == 1)
            {
                byte[] broken = Encoding.UTF8.GetBytes(
                    (reply.Api == LlmApi.ChatCompletions ? string.Empty : "event: broken\n")
                    + "data: {\"id\":\"" + reply.Id + "\",\"choices\":[{\"delta\":{\"content\":\"trunc\n\n");
                await WriteChunkedAsync(response, broken, settings.WriteChunkSize, aborted);
                return;
            }

            await WriteChunkedAsync(response, frame, settings.WriteChunkSize, aborted);
            written++;
        }
    }

    /// <summary>
    /// Cuts the connection mid-response. Kestrel drops output still queued in the transport when a
    /// connection is aborted, so the bytes already flushed are given a moment to reach the socket first;
    /// the close is then a plain FIN, and the client sees the body end early.
    /// </summary>
    private static async Task AbortAsync(HttpContext context)
    {
        await Task.Delay(DrainTime, TimeProvider.System, CancellationToken.None);
        context.Abort();
    }

    private static async Task WriteJsonAsync(HttpResponse response, int statusCode, byte[] body, Settings settings, CancellationToken aborted)
    {
        response.StatusCode = statusCode;
        response.ContentType = FakeWire.JsonContentType;
        if (settings.WriteChunkSize <= 0)
        {
            response.ContentLength = body.Length;
        }

        await WriteChunkedAsync(response, body, settings.WriteChunkSize, aborted);
    }

    /// <summary>Writes <paramref name="bytes"/> in writes of <paramref name="chunkSize"/> bytes (all at once when not positive), flushing after each.</summary>
    private static async Task WriteChunkedAsync(HttpResponse response, ReadOnlyMemory<byte> bytes, int chunkSize, CancellationToken aborted)
    {
        int size = chunkSize > 0 ? chunkSize : Math.Max(bytes.Length, 1);
        for (int offset = 0; offset < bytes.Length; offset += size)
        {
            await response.Body.WriteAsync(bytes.Slice(offset, Math.Min(size, bytes.Length - offset)), aborted);
            await response.Body.FlushAsync(aborted);
        }
    }

    private static bool WantsStream(byte[] body) => body.AsSpan().IndexOf("\"stream\":true"u8) >= 0 || body.AsSpan().IndexOf("\"stream\": true"u8) >= 0;

    /// <summary>What to send: a <see cref="Stream"/> reply, or a JSON <see cref="Body"/> with its status.</summary>
    private sealed record Answer(int StatusCode, byte[]? Body, FakeReply? Stream);

    /// <summary>The reply split into stream pieces: each word with the whitespace before it (trailing whitespace last).</summary>
    private static List<string> SplitIntoDeltas(string text)
    {
        var deltas = System.Text.RegularExpressions.Regex.Matches(text, @"\s*\S+").Select(m => m.Value).ToList();
        int covered = deltas.Sum(d => d.Length);
        if (covered < text.Length)
        {
            deltas.Add(text[covered..]);
        }

        return deltas;
    }

    /// <summary>The fake's output token count: one per word.</summary>
    private static int CountWords(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
}
