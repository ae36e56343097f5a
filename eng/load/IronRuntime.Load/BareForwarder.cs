using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IronRuntime.Load;

/// <summary>
/// A reference point, not the runtime: the plainest loopback reverse proxy ASP.NET Core makes — Kestrel with its
/// defaults in, one <see cref="SocketsHttpHandler"/> with its defaults out, the provider's key put in, the answer's
/// bytes written on as they are read. No budget, metering, resilience or scanning. What it costs (CPU per call, time
/// to the first event, memory per open stream) is what a second HTTP hop through .NET costs on the machine, which any
/// loopback proxy pays before doing anything of its own (issues #15 and #19: <c>host --bare</c>).
/// </summary>
internal static class BareForwarder
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Transfer-Encoding", "Upgrade", "Proxy-Connection", "TE", "Trailer", "Host",
        "Authorization", "Content-Length", "Content-Type",
    };

    /// <summary>Starts the forwarder on a free loopback port; returns it and its base address.</summary>
    public static async Task<(WebApplication App, Uri BaseAddress)> StartAsync(Uri upstream, string key, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, 0);
        });
        var app = builder.Build();
        var client = new HttpMessageInvoker(new SocketsHttpHandler { UseCookies = false, UseProxy = false, AllowAutoRedirect = false });
        var authorization = new AuthenticationHeaderValue("Bearer", key);
        app.Run(context => ForwardAsync(context, client, upstream, authorization));
        await app.StartAsync(cancellationToken);
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, new Uri(address + "/"));
    }

    private static async Task ForwardAsync(HttpContext context, HttpMessageInvoker client, Uri upstream, AuthenticationHeaderValue authorization)
    {
        HttpRequest incoming = context.Request;
        using var request = new HttpRequestMessage(new HttpMethod(incoming.Method), new Uri(upstream, incoming.Path.Value + incoming.QueryString.Value));
        foreach (var header in incoming.Headers)
        {
            if (!HopByHop.Contains(header.Key))
            {
                request.Headers.TryAddWithoutValidation(header.Key, (IEnumerable<string?>)header.Value);
            }
        }

        request.Headers.Authorization = authorization;
        if (incoming.ContentLength is not null || incoming.Headers.TransferEncoding.Count > 0)
        {
            request.Content = new StreamContent(incoming.Body);
            request.Content.Headers.ContentLength = incoming.ContentLength;
            if (incoming.ContentType is { } contentType)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }
        }

        using var response = await client.SendAsync(request, context.RequestAborted); // an invoker does not buffer: back at the headers
        HttpResponse outgoing = context.Response;
        outgoing.StatusCode = (int)response.StatusCode;
        foreach (var header in response.Headers.NonValidated.Concat(response.Content.Headers.NonValidated))
        {
            if (!HopByHop.Contains(header.Key))
            {
                outgoing.Headers[header.Key] = header.Value.ToArray();
            }
        }

        outgoing.ContentType = response.Content.Headers.NonValidated.TryGetValues("Content-Type", out var type) ? type.ToString() : null;
        outgoing.ContentLength = response.Content.Headers.ContentLength;
        await using var body = await response.Content.ReadAsStreamAsync(context.RequestAborted);
        while (true)
        {
            // A zero-byte read waits for the next bytes without holding a buffer (as YARP's copier does), so an open
            // stream between two events holds none.
            _ = await body.ReadAsync(Memory<byte>.Empty, context.RequestAborted);
            byte[] buffer = ArrayPool<byte>.Shared.Rent(4096);
            try
            {
                int read = await body.ReadAsync(buffer, context.RequestAborted);
                if (read == 0)
                {
                    return;
                }

                await outgoing.BodyWriter.WriteAsync(buffer.AsMemory(0, read), context.RequestAborted); // writes and flushes
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}
