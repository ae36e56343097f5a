using System.Globalization;
using System.Net;
using System.Runtime;
using System.Text.Json;
using IronRuntime.Router;

namespace IronRuntime.Tests.Proxy;

/// <summary>
/// Runs in a child process (see <see cref="Support.ChildHostProgram"/>): a runtime's proxy receives concurrent chunked bodies far over
/// its limit, and the process reports its resident memory before, at the peak (<c>VmHWM</c>, reset first through
/// <c>/proc/self/clear_refs</c>) and after a full garbage collection, as one JSON line on standard output.
/// </summary>
internal static class RequestBodyMemoryProbe
{
    public const string Name = "request-body-memory-probe";

    /// <summary>
    /// Argument: the limit in bytes. Protocol on standard input/output, one line each: the probe prints the proxy's
    /// address and a token; on <c>baseline</c> it collects garbage, resets the peak and prints <c>ready</c>; on
    /// <c>measure</c> it reads the peak, collects garbage, resets the peak again and prints
    /// <c>{"baseline","peak","after","threads"}</c> (bytes, and the process's thread count), as often as asked; it
    /// exits when standard input closes.
    /// </summary>
    public static async Task<int> RunAsync(string[] args)
    {
        int limit = int.Parse(args[0], CultureInfo.InvariantCulture);
        await using var runtime = AgentRuntime.CreateBuilder()
            .UseOpenAI("sk-probe-key-0123456789", new Uri("http://127.0.0.1:9/"))
            .Configure(c => c.Router.MaxRequestBodyBytes = limit)
            .Build();
        await runtime.Proxy.StartAsync();
        Console.WriteLine(runtime.Proxy.BaseAddress + " " + runtime.Proxy.IssueToken("probe"));

        long baseline = 0;
        while (Console.ReadLine() is { } command)
        {
            if (command == "baseline")
            {
                Collect();
                baseline = Status("VmRSS");
                File.WriteAllText("/proc/self/clear_refs", "5"); // resets VmHWM to the current RSS
                Console.WriteLine("ready");
            }
            else if (command == "measure")
            {
                long peak = Status("VmHWM");
                Collect();
                long after = Status("VmRSS");
                File.WriteAllText("/proc/self/clear_refs", "5");
                Console.WriteLine(JsonSerializer.Serialize(new { baseline, peak, after, threads = System.Diagnostics.Process.GetCurrentProcess().Threads.Count }));
            }
        }

        return 0;
    }

    /// <summary>Posts a chunked body of <paramref name="bytes"/> to the proxy; the answer's status, or -1 when the connection was closed first.</summary>
    public static async Task<int> SendAsync(HttpClient http, string token, long bytes)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new GeneratedContent(bytes) };
        request.Headers.Authorization = new("Bearer", token);
        try
        {
            using var response = await http.SendAsync(request);
            return (int)response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return -1; // the proxy closed the connection while the rest of the body was still being sent
        }
    }

    private static void Collect()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }

    /// <summary>A field of <c>/proc/self/status</c>, in bytes.</summary>
    private static long Status(string field)
    {
        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException(field + " not found");
    }

    /// <summary>A chunked JSON-ish body of a given size, written from one small buffer (the sender costs no memory).</summary>
    private sealed class GeneratedContent(long bytes) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            byte[] block = new byte[64 * 1024];
            block.AsSpan().Fill((byte)' ');
            "{\"model\":\"gpt-4o-mini\",\"messages\":[],\"pad\":\""u8.CopyTo(block);
            for (long sent = 0; sent < bytes; sent += block.Length)
            {
                await stream.WriteAsync(block.AsMemory(0, (int)Math.Min(block.Length, bytes - sent)));
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false; // chunked
        }
    }
}
