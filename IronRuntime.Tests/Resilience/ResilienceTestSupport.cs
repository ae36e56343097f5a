using System.Net.Sockets;
using System.Net;
using System.Text.Json;
using System.Text;
using IronRuntime.Budget;
using IronRuntime.Resilience;
using IronRuntime.Router;
using IronRuntime.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace IronRuntime.Tests.Resilience;

/// <summary>Helpers for the resilience tests: a fake clock for the runtime, request bodies, error bodies, a closed port.</summary>
internal static class ResilienceTestSupport
{
    public const string ChatUrl = "https://api.openai.com/v1/chat/completions";
    public const string MessagesUrl = "https://api.anthropic.com/v1/messages";

    /// <summary>Runs the runtime on <paramref name="time"/> (registered after the default, so it wins).</summary>
    public static IronRuntimeBuilder UseTime(this IronRuntimeBuilder builder, TimeProvider time)
    {
        builder.Services.AddSingleton(time);
        return builder;
    }

    /// <summary>Wraps the budget gate to count how often a call was let in (and so reserved).</summary>
    public static IronRuntimeBuilder CountGateEntries(this IronRuntimeBuilder builder, CountingGate counter)
    {
        builder.Services.AddSingleton<ILlmRequestGate>(sp => counter.Wrap(ActivatorUtilities.CreateInstance<BudgetGate>(sp)));
        return builder;
    }

    /// <summary>A breaker that opens after two failures out of two calls, no retries, no real waits.</summary>
    public static void Sensitive(ResilienceOptions o)
    {
        o.MinimumThroughput = 2;
        o.FailureRatio = 0.5;
        o.BreakDuration = TimeSpan.FromSeconds(30);
        o.MaxRetryAttempts = 0;
        o.RetryBaseDelay = TimeSpan.Zero;
    }

    public static StringContent Chat(string model = "gpt-4o-mini", bool stream = false, int maxTokens = 50)
        => new($$"""{"model":"{{model}}","max_tokens":{{maxTokens}},"stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"Hello there"}]}""", Encoding.UTF8, "application/json");

    public static HttpRequestMessage Messages(string model = "claude-sonnet-4-5", bool stream = false, int maxTokens = 50)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, MessagesUrl)
        {
            Content = new StringContent($$"""{"model":"{{model}}","max_tokens":{{maxTokens}},"stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"Hello there"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("anthropic-version", "2023-06-01");
        return request;
    }

    /// <summary>The <c>error.type</c> of an OpenAI- or Anthropic-shaped error body.</summary>
    public static async Task<(string Type, string Message)> ReadErrorAsync(HttpResponseMessage response)
    {
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = doc.RootElement.GetProperty("error");
        return (error.GetProperty("type").GetString()!, error.GetProperty("message").GetString()!);
    }

    /// <summary>Sockets that hold the ports of <see cref="ClosedPort"/> for the life of the test process.</summary>
    private static readonly List<Socket> HeldPorts = [];

    /// <summary>
    /// A loopback port that refuses connections: bound by a socket that never listens and is kept open, so no other
    /// process or test can take the port meanwhile (no find-a-free-port-then-reuse race).
    /// </summary>
    public static Uri ClosedPort()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        lock (HeldPorts)
        {
            HeldPorts.Add(socket);
        }

        return new Uri($"http://127.0.0.1:{((IPEndPoint)socket.LocalEndPoint!).Port}/");
    }

    /// <summary>
    /// Advances <paramref name="time"/> by <paramref name="step"/> until <paramref name="done"/> holds (the code under test
    /// arms its timers on other threads, so time moves in steps while it catches up). Returns the time advanced.
    /// </summary>
    public static async Task<TimeSpan> AdvanceUntilAsync(this FakeTimeProvider time, TimeSpan step, Func<bool> done, TimeSpan? limit = null)
    {
        var advanced = TimeSpan.Zero;
        var max = limit ?? TimeSpan.FromMinutes(30);
        while (!done())
        {
            if (advanced >= max)
            {
                Assert.Fail($"Still waiting after advancing the clock by {advanced}.");
            }

            time.Advance(step);
            advanced += step;
            await Task.Delay(5);
        }

        return advanced;
    }

    /// <summary>Waits (in real time, bounded) until <paramref name="condition"/> holds.</summary>
    public static Task WaitUntilAsync(Func<bool> condition) => Eventually.UntilAsync(condition, TimeSpan.FromSeconds(5));
}

/// <summary>Counts the calls a request gate let in.</summary>
internal sealed class CountingGate
{
    private int _entries;

    public int Entries => Volatile.Read(ref _entries);

    public ILlmRequestGate Wrap(ILlmRequestGate inner) => new Counting(this, inner);

    private sealed class Counting(CountingGate owner, ILlmRequestGate inner) : ILlmRequestGate
    {
        public ValueTask<LlmGateDecision> EnterAsync(LlmCall call, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref owner._entries);
            return inner.EnterAsync(call, cancellationToken);
        }
    }
}
