using System.Collections.Concurrent;
using IronRuntime.Router;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IronRuntime.Tests.Fakes;

/// <summary>
/// A loopback LLM provider for tests: Kestrel on <c>127.0.0.1</c> (port 0) answering OpenAI
/// (<c>/v1/chat/completions</c>, <c>/v1/responses</c>, <c>/v1/embeddings</c>) and Anthropic
/// (<c>/v1/messages</c>) requests byte for byte in the providers' formats, with knobs for failures,
/// slowness, chunking and concurrency.
/// </summary>
/// <remarks>
/// <para>
/// Requests are checked like the real APIs: OpenAI wants <c>Authorization: Bearer </c><see cref="OpenAIKey"/>;
/// Anthropic wants <see cref="AnthropicKey"/> in <c>x-api-key</c> (what the API documents) or
/// <c>Authorization: Bearer</c> (what the Anthropic .NET SDK 13.x sends), plus an
/// <c>anthropic-version</c> header. A missing or wrong key gets 401; a missing
/// <c>anthropic-version</c>, a malformed body or a missing model gets the provider's 400.
/// </para>
/// <para>
/// Every knob is thread-safe and read once per request, when the request arrives. Answers are rendered
/// from the fixture files in <c>Fakes/Fixtures/</c> (<see cref="Fixtures"/>), written from the providers' API
/// references, never from the library's simulated provider; <see cref="RenderResponse"/> gives the exact bytes
/// the fake sends for a body.
/// </para>
/// </remarks>
public sealed partial class FakeProvider : IAsyncDisposable
{
    /// <summary>The OpenAI key the fake accepts.</summary>
    public const string OpenAIKey = "sk-proj-fake-openai-key-0123456789abcdefABCDEF";

    /// <summary>The Anthropic key the fake accepts.</summary>
    public const string AnthropicKey = "sk-ant-api03-fake-anthropic-key-0123456789abcdef";

    /// <summary>The reply text until <see cref="ReplyText"/> is set: accents, CJK and an emoji, so multi-byte characters cross chunk boundaries.</summary>
    public const string DefaultReplyText = "Hello from the fake provider: café, 中文 and a rocket 🚀 in one reply.";

    private readonly WebApplication _app;
    private readonly TimeProvider _timeProvider;
    private readonly Lock _lock = new();
    private readonly ConcurrentQueue<FakeRequest> _requests = new();
    private readonly List<(int Count, TaskCompletionSource Signal)> _arrivalWaiters = [];
    private Settings _settings = Settings.Default;
    private ForcedFailure? _forcedFailure;
    private Replay? _replay;
    private TaskCompletionSource? _hold;
    private int _arrived;
    private int _waiting;
    private int _aborted;
    private long _sequence;

    private FakeProvider(WebApplication app, TimeProvider timeProvider)
    {
        _app = app;
        _timeProvider = timeProvider;
    }

    /// <summary>The root of the fake, e.g. <c>http://127.0.0.1:54321/</c>.</summary>
    public Uri BaseUri { get; private set; } = null!;

    /// <summary>The OpenAI SDK endpoint: <see cref="BaseUri"/> + <c>v1</c>.</summary>
    public Uri OpenAIEndpoint => new(BaseUri, "v1");

    /// <summary>The Anthropic SDK base URL: <see cref="BaseUri"/> without its trailing slash (the SDK appends <c>/v1/messages</c>).</summary>
    public string AnthropicBaseUrl => BaseUri.GetLeftPart(UriPartial.Authority);

    /// <summary>Starts a fake on a free loopback port.</summary>
    /// <param name="timeProvider">Drives <c>created</c> timestamps and the delays; the system clock by default.</param>
    /// <param name="http2Only">Speak HTTP/2 only, without TLS (h2c: clients must use it from the first byte).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<FakeProvider> StartAsync(TimeProvider? timeProvider = null, bool http2Only = false, CancellationToken cancellationToken = default)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        if (http2Only)
        {
            builder.WebHost.ConfigureKestrel(k => k.ConfigureEndpointDefaults(e => e.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http2));
        }

        WebApplication app = builder.Build();
        var fake = new FakeProvider(app, timeProvider ?? TimeProvider.System);
        app.Run(fake.HandleAsync);
        await app.StartAsync(cancellationToken);
        string address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        fake.BaseUri = new Uri(address.TrimEnd('/') + "/");
        return fake;
    }

    /// <summary>The reply text (split into word deltas when streamed). Default <see cref="DefaultReplyText"/>.</summary>
    public string ReplyText
    {
        get => Read().ReplyText;
        set => Update(s => s with { ReplyText = value ?? throw new ArgumentNullException(nameof(value)) });
    }

    /// <summary>
    /// The usage to report, or null (the default) to derive it: input = ceil(UTF-8 bytes of the prompt
    /// texts / 4) + 3 per message, output = the number of words in the reply.
    /// </summary>
    /// <remarks>
    /// Normalised as <see cref="TokenUsage"/>: for Anthropic, <c>input_tokens</c> is written as
    /// <c>InputTokens - CachedInputTokens - CacheCreationInputTokens</c>, and the two cache figures as
    /// <c>cache_read_input_tokens</c> and <c>cache_creation_input_tokens</c>.
    /// </remarks>
    public TokenUsage? Usage
    {
        get => Read().Usage;
        set => Update(s => s with { Usage = value });
    }

    /// <summary>
    /// When set, decides the usage of each answer from its route and request body, as a provider's billing would;
    /// it wins over <see cref="Usage"/>. Called once per answered request, on the request's thread.
    /// </summary>
    public Func<LlmApi, byte[], TokenUsage>? Billing { get; set; }

    /// <summary>How long each request waits before the response headers are sent.</summary>
    public TimeSpan ResponseDelay
    {
        get => Read().ResponseDelay;
        set => Update(s => s with { ResponseDelay = value });
    }

    /// <summary>How long a stream waits between two events.</summary>
    public TimeSpan EventDelay
    {
        get => Read().EventDelay;
        set => Update(s => s with { EventDelay = value });
    }

    /// <summary>
    /// When positive, every event (and every JSON body) is written in writes of this many bytes, each
    /// flushed, so events cross network reads and multi-byte characters are split. 0 (the default)
    /// writes each event in one flush.
    /// </summary>
    public int WriteChunkSize
    {
        get => Read().WriteChunkSize;
        set => Update(s => s with { WriteChunkSize = value });
    }

    /// <summary>When set, a stream is cut (the connection aborted) after this many events. Null by default.</summary>
    public int? AbortAfterEvents
    {
        get => Read().AbortAfterEvents;
        set => Update(s => s with { AbortAfterEvents = value });
    }

    /// <summary>Broken answers instead of good ones (after authentication and validation).</summary>
    public FakeGarbage Garbage
    {
        get => Read().Garbage;
        set => Update(s => s with { Garbage = value });
    }

    /// <summary>
    /// When true, ids (and <c>obfuscation</c> padding) depend only on the request body, not on its arrival
    /// order; with <see cref="FixedCreated"/>, the same body always gets the same bytes.
    /// </summary>
    public bool FixedIds
    {
        get => Read().FixedIds;
        set => Update(s => s with { FixedIds = value });
    }

    /// <summary>
    /// With <see cref="FixedIds"/>: derive ids from this seed instead of the request body, so two bodies that differ
    /// only in options (for example <c>stream_options</c> added by a router) get the same ids. Null by default.
    /// </summary>
    public string? IdSeed
    {
        get => Read().IdSeed;
        set => Update(s => s with { IdSeed = value });
    }

    /// <summary>The <c>created</c> timestamp of every answer, or null (the default) for the time provider's now.</summary>
    public DateTimeOffset? FixedCreated
    {
        get => Read().FixedCreated;
        set => Update(s => s with { FixedCreated = value });
    }

    /// <summary>The requests received so far, in arrival order.</summary>
    public IReadOnlyList<FakeRequest> Requests => [.. _requests];

    /// <summary>The last request received.</summary>
    public FakeRequest LastRequest => _requests.LastOrDefault() ?? throw new InvalidOperationException("No request reached the fake provider.");

    /// <summary>How many requests have arrived (counted before any hold or delay).</summary>
    public int ArrivedCount => Volatile.Read(ref _arrived);

    /// <summary>How many requests the client abandoned (closed the connection) before the answer was complete.</summary>
    public int AbortedCount => Volatile.Read(ref _aborted);

    /// <summary>How many requests are waiting at the hold gate right now.</summary>
    public int WaitingCount => Volatile.Read(ref _waiting);

    /// <summary>
    /// Answers the next <paramref name="count"/> requests (whatever their route or key) with
    /// <paramref name="statusCode"/> and <paramref name="body"/> (by default the provider's typical
    /// body for that status, see <see cref="FakeErrors"/>), plus a <c>retry-after</c> header when given.
    /// </summary>
    public void FailNext(int count, int statusCode, string? body = null, TimeSpan? retryAfter = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        lock (_lock)
        {
            _forcedFailure = count == 0 ? null : new ForcedFailure(count, statusCode, body, retryAfter);
        }
    }

    /// <summary>
    /// Answers the next <paramref name="count"/> authenticated requests with the recorded answer
    /// <c>Fakes/Fixtures/recorded/</c><paramref name="recording"/>, byte for byte (status 200; an <c>.sse</c> recording
    /// as <c>text/event-stream</c>, a <c>.json</c> one as <c>application/json</c>), whatever the request asked for.
    /// </summary>
    public void ReplayNext(int count, string recording)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        byte[] body = RecordedBytes(recording);
        lock (_lock)
        {
            _replay = count == 0 ? null : new Replay(count, recording, body);
        }
    }

    /// <summary>The bytes of the recorded answer <paramref name="recording"/> (a file in <c>Fakes/Fixtures/recorded/</c>).</summary>
    public static byte[] RecordedBytes(string recording) => System.Text.Encoding.UTF8.GetBytes(Fixtures.Template("recorded/" + recording));

    /// <summary>Makes requests that arrive from now on wait before answering, until <see cref="ReleaseHeld"/>.</summary>
    public void HoldResponses()
    {
        lock (_lock)
        {
            _hold ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>Lets every held request go on, and stops holding new ones.</summary>
    public void ReleaseHeld()
    {
        TaskCompletionSource? hold;
        lock (_lock)
        {
            hold = _hold;
            _hold = null;
        }

        hold?.TrySetResult();
    }

    /// <summary>Completes once at least <paramref name="count"/> requests have arrived.</summary>
    public Task WaitForArrivalsAsync(int count, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_arrived >= count)
            {
                return Task.CompletedTask;
            }

            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _arrivalWaiters.Add((count, signal));
            return signal.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Restores every knob to its default, releases held requests, forgets the recorded ones and zeroes <see cref="ArrivedCount"/>.</summary>
    public void Reset()
    {
        ReleaseHeld();
        lock (_lock)
        {
            _settings = Settings.Default;
            _forcedFailure = null;
            _replay = null;
            _arrived = 0;
            _aborted = 0;
        }

        _requests.Clear();
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        ReleaseHeld();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private Settings Read()
    {
        lock (_lock)
        {
            return _settings;
        }
    }

    private void Update(Func<Settings, Settings> change)
    {
        lock (_lock)
        {
            _settings = change(_settings);
        }
    }

    private void Arrived(FakeRequest request)
    {
        _requests.Enqueue(request);
        List<TaskCompletionSource>? reached = null;
        lock (_lock)
        {
            _arrived++;
            for (int i = _arrivalWaiters.Count - 1; i >= 0; i--)
            {
                if (_arrivalWaiters[i].Count <= _arrived)
                {
                    (reached ??= []).Add(_arrivalWaiters[i].Signal);
                    _arrivalWaiters.RemoveAt(i);
                }
            }
        }

        reached?.ForEach(static signal => signal.TrySetResult());
    }

    /// <summary>Takes the forced failure for this request, if any is left.</summary>
    private ForcedFailure? TakeForcedFailure()
    {
        lock (_lock)
        {
            if (_forcedFailure is not { } failure)
            {
                return null;
            }

            _forcedFailure = failure.Count > 1 ? failure with { Count = failure.Count - 1 } : null;
            return failure;
        }
    }

    /// <summary>Takes the recorded answer for this request, if any is left.</summary>
    private Replay? TakeReplay()
    {
        lock (_lock)
        {
            if (_replay is not { } replay)
            {
                return null;
            }

            _replay = replay.Count > 1 ? replay with { Count = replay.Count - 1 } : null;
            return replay;
        }
    }

    private Task? HoldGate()
    {
        lock (_lock)
        {
            return _hold?.Task;
        }
    }

    /// <summary>The knobs, as one immutable snapshot.</summary>
    private sealed record Settings(
        string ReplyText,
        TokenUsage? Usage,
        TimeSpan ResponseDelay,
        TimeSpan EventDelay,
        int WriteChunkSize,
        int? AbortAfterEvents,
        FakeGarbage Garbage,
        bool FixedIds,
        DateTimeOffset? FixedCreated,
        string? IdSeed = null)
    {
        public static readonly Settings Default = new(DefaultReplyText, null, TimeSpan.Zero, TimeSpan.Zero, 0, null, FakeGarbage.None, false, null);
    }

    private sealed record ForcedFailure(int Count, int StatusCode, string? Body, TimeSpan? RetryAfter);

    private sealed record Replay(int Count, string Name, byte[] Body);
}
