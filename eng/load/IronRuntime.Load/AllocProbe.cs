using System.Diagnostics.Tracing;
using System.Net.Http.Headers;
using System.Text;
using IronRuntime.Router;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace IronRuntime.Load;

/// <summary>
/// <c>alloc [--events N] [--upstream-http2] [--ticks]</c>: bytes allocated in this process per streamed event when every
/// read waits — the provider sends the next event only after the client received the previous one (lockstep), as with
/// paced streams — directly and through the runtime's proxy, upstream, proxy and client all in this process. With
/// <c>--ticks</c>, the types the runtime's allocation sampling (one tick per ~100 KB) saw during the proxied run.
/// </summary>
internal static class AllocProbe
{
    private static readonly SemaphoreSlim Got = new(0);
    private static readonly byte[] Chunk = Encoding.UTF8.GetBytes(
        """data: {"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion.chunk","created":1741569952,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"delta":{"content":" word"},"logprobs":null,"finish_reason":null}],"usage":null}""" + "\n\n");
    private static readonly byte[] End = Encoding.UTF8.GetBytes(
        """data: {"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion.chunk","created":1741569952,"model":"gpt-4o-mini-2024-07-18","choices":[],"usage":{"prompt_tokens":25,"completion_tokens":7,"total_tokens":32}}""" + "\n\ndata: [DONE]\n\n");

    public static async Task<int> RunAsync(LoadArguments args)
    {
        int events = args.GetInt("events", 20000);
        bool h2 = args.Has("upstream-http2");
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        if (h2)
        {
            builder.WebHost.ConfigureKestrel(k => k.ConfigureEndpointDefaults(e => e.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http2));
        }

        await using var app = builder.Build();
        app.MapPost("/v1/chat/completions", AnswerAsync);
        await app.StartAsync();
        var upstream = new Uri(app.Urls.First() + "/");
        await using var runtime = AgentRuntime.CreateBuilder().WithBudget(1_000_000_000m).UseOpenAI("sk-x", upstream)
            .Configure(c => c.Router.OpenAI.HttpVersion = h2 ? LlmUpstreamHttpVersion.Http2 : LlmUpstreamHttpVersion.Auto)
            .ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning)).Build();
        await runtime.Proxy.StartAsync();
        using var proxy = new HttpClient { BaseAddress = runtime.Proxy.BaseAddress };
        proxy.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", runtime.Proxy.IssueToken("a"));
        using var direct = new HttpClient(new SocketsHttpHandler()) { BaseAddress = upstream, DefaultRequestVersion = h2 ? new Version(2, 0) : new Version(1, 1), DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        foreach (var (name, client) in new[] { ("direct", direct), ("proxy", proxy), ("direct", direct), ("proxy", proxy) })
        {
            await StreamAsync(client, 200);
            using var listener = args.Has("ticks") && name == "proxy" ? new TickListener() : null;
            long before = GC.GetTotalAllocatedBytes(true);
            await StreamAsync(client, events);
            long after = GC.GetTotalAllocatedBytes(true);
            Console.WriteLine($"{name} h2={h2}: {(after - before) / (double)events:F1} B per event over {events} lockstep events");
            listener?.Print();
        }

        await app.StopAsync();
        return 0;
    }

    private static async Task AnswerAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        string json = Encoding.UTF8.GetString(body.ToArray());
        int at = json.IndexOf("\"max_tokens\":", StringComparison.Ordinal);
        int n = int.Parse(json[(at + 13)..json.IndexOf(',', at)], System.Globalization.CultureInfo.InvariantCulture);
        context.Response.ContentType = "text/event-stream";
        for (int i = 0; i < n; i++)
        {
            await context.Response.Body.WriteAsync(Chunk);
            await context.Response.Body.FlushAsync();
            await Got.WaitAsync();
        }

        await context.Response.Body.WriteAsync(End);
    }

    private static async Task StreamAsync(HttpClient client, int events)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Version = client.DefaultRequestVersion,
            VersionPolicy = client.DefaultVersionPolicy,
            Content = new StringContent($$"""{"model":"gpt-4o-mini","max_tokens":{{events}},"stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Count."}]}""", Encoding.UTF8, "application/json"),
        };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        var stream = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[4096];
        int read;
        byte last = 0;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            for (int i = 0; i < read; i++)
            {
                if (buffer[i] == '\n' && last == '\n')
                {
                    Got.Release();
                }

                last = buffer[i];
            }
        }
    }

    private sealed class TickListener : EventListener
    {
        private readonly Dictionary<string, long> _types = [];

        protected override void OnEventSourceCreated(EventSource source)
        {
            if (source.Name == "Microsoft-Windows-DotNETRuntime")
            {
                EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x1);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs e)
        {
            if (e.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) == true && e.Payload is { } p)
            {
                int i = e.PayloadNames!.IndexOf("TypeName");
                string type = i >= 0 ? p[i]?.ToString() ?? "?" : "?";
                lock (_types)
                {
                    _types[type] = _types.GetValueOrDefault(type) + 1;
                }
            }
        }

        public void Print()
        {
            lock (_types)
            {
                foreach (var (type, count) in _types.OrderByDescending(t => t.Value).Take(25))
                {
                    Console.WriteLine($"  {count,5} ticks  {type}");
                }
            }
        }
    }
}
