using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace IronRuntime.Load;

/// <summary>
/// A paced fake OpenAI provider: <c>POST /v1/chat/completions</c> with <c>"stream": true</c> answers one
/// <c>chat.completion.chunk</c> every period, <c>max_tokens</c> of them, each carrying its send time
/// (<see cref="Stopwatch.GetTimestamp"/>, CLOCK_MONOTONIC on Linux, so comparable across processes of one machine)
/// as its content <c>@&lt;ticks&gt;|</c>; then a usage chunk and <c>[DONE]</c>. Without streaming it answers at once.
/// With <c>--http2</c> it speaks HTTP/2 only, without TLS (h2c), for the host's <c>--upstream-http2</c>.
/// </summary>
internal static class PacedProvider
{
    public static async Task<int> RunAsync(int port, TimeSpan period, bool http2, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxConcurrentConnections = null;
            if (http2)
            {
                // As the providers' fronts do: many streams per connection (SocketsHttpHandler opens more past the limit).
                k.Limits.Http2.MaxStreamsPerConnection = 256;
                k.ConfigureEndpointDefaults(e => e.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http2);
            }
        });
        await using var app = builder.Build();
        app.MapPost("/v1/chat/completions", (HttpContext context) => AnswerAsync(context, period));
        await app.StartAsync(cancellationToken);
        Console.WriteLine("READY " + app.Urls.First());
        try
        {
            // SIGTERM stops the app's host (which keeps the process alive for it) rather than the process: end then too.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, app.Lifetime.ApplicationStopping);
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException)
        {
        }

        await app.StopAsync(CancellationToken.None);
        return 0;
    }

    private static async Task AnswerAsync(HttpContext context, TimeSpan period)
    {
        using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        var root = body.RootElement;
        bool stream = root.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
        int events = root.TryGetProperty("max_tokens", out var m) && m.TryGetInt32(out int n) ? Math.Clamp(n, 1, 1_000_000) : 1;
        if (!stream)
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(
                """{"id":"chatcmpl-load","object":"chat.completion","created":1764000000,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],"usage":{"prompt_tokens":10,"completion_tokens":1,"total_tokens":11}}""",
                context.RequestAborted);
            return;
        }

        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        var writer = context.Response.BodyWriter;
        var aborted = context.RequestAborted;
        long start = Stopwatch.GetTimestamp();
        try
        {
            await context.Response.StartAsync(aborted);
            for (int i = 0; i < events; i++)
            {
                TimeSpan due = (period * i) - Stopwatch.GetElapsedTime(start);
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due, aborted);
                }

                string chunk = string.Create(CultureInfo.InvariantCulture,
                    $"data: {{\"id\":\"chatcmpl-load\",\"object\":\"chat.completion.chunk\",\"created\":1764000000,\"model\":\"gpt-4o-mini\",\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"@{Stopwatch.GetTimestamp()}|\"}},\"finish_reason\":null}}]}}\n\n");
                await writer.WriteAsync(Encoding.UTF8.GetBytes(chunk), aborted);
            }

            await writer.WriteAsync(Encoding.UTF8.GetBytes(
                "data: {\"id\":\"chatcmpl-load\",\"object\":\"chat.completion.chunk\",\"created\":1764000000,\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
                + "data: {\"id\":\"chatcmpl-load\",\"object\":\"chat.completion.chunk\",\"created\":1764000000,\"model\":\"gpt-4o-mini\",\"choices\":[],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":"
                + events.ToString(CultureInfo.InvariantCulture) + ",\"total_tokens\":" + (events + 10).ToString(CultureInfo.InvariantCulture) + "}}\n\n"
                + "data: [DONE]\n\n"), aborted);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
        }
    }
}
