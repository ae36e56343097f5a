using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using IronRuntime.Load;
using IronRuntime.Tests.Support;

namespace IronRuntime.Tests.Proxy;

/// <summary>
/// Issue #19: at ~10,000 proxied streams with a 20,000 open-file limit the host died with "Out of memory." and
/// SIGABRT — once descriptors run out .NET cannot even open an assembly. Here a real host process (the load tool's
/// <c>host</c>: an application embedding the runtime) runs under <c>prlimit --nofile=800</c> and is driven past it:
/// it must stay alive, keep serving the streams it has, and refuse the rest with a provider-shaped 503.
/// </summary>
[NonParallelizable]
public sealed class ProxyDescriptorLimitTests
{
    private const int OpenFileLimit = 800;
    private const int Attempts = 500; // two descriptors each in the host: far past 800

    [Test]
    [CancelAfter(120_000)]
    public async Task HostUnderLowOpenFileLimit_DrivenPastIt_SurvivesServesOpenStreamsRefusesRestWith503(CancellationToken cancellationToken)
    {
        await using var fake = ChildProcess.Start(["fake", "--period-ms", "100"]);
        var fakeUri = new Uri(await fake.ReadUntilAsync("READY ", cancellationToken) + "/");
        await using var host = ChildProcess.Start(["host", "--upstream", fakeUri.ToString(), "--agents", "1"], OpenFileLimit);
        var chat = new Uri(new Uri(await host.ReadUntilAsync("READY ", cancellationToken)), "v1/chat/completions");
        string token = await host.ReadUntilAsync("TOKEN ", cancellationToken);

        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue }) { Timeout = Timeout.InfiniteTimeSpan };
        var attempts = Enumerable.Range(0, Attempts).Select(_ => Task.Run(() => TrySendAsync(client, chat, token, cancellationToken), cancellationToken)).ToArray();
        var results = await Task.WhenAll(attempts);
        var served = results.Where(r => r?.StatusCode == HttpStatusCode.OK).Select(r => r!).ToList();
        var refused = results.Where(r => r is not null && r.StatusCode != HttpStatusCode.OK).Select(r => r!).ToList();
        TestContext.Out.WriteLine($"served {served.Count}, refused {refused.Count}, no answer {results.Count(r => r is null)}");
        try
        {
            Assert.That(host.HasExited, Is.False, "the host process is alive");
            Assert.That(served, Has.Count.GreaterThanOrEqualTo(100), "the host serves up to its capacity");
            Assert.That(refused, Has.Count.GreaterThanOrEqualTo(Attempts - 250), "the rest is refused");
            Assert.That(served.Count + refused.Count, Is.EqualTo(Attempts), "every attempt got an answer (no reset connection)");
            Assert.That(refused.Select(r => r.StatusCode).Distinct(), Is.EqualTo(new[] { HttpStatusCode.ServiceUnavailable }));
            Assert.That(refused.All(r => r.Headers.RetryAfter is not null), Is.True, "each refusal says when to retry");
            using (var error = JsonDocument.Parse(await refused[0].Content.ReadAsStringAsync(cancellationToken)))
            {
                Assert.That(error.RootElement.GetProperty("error").GetProperty("type").GetString(), Is.EqualTo("iron_runtime_overloaded"));
            }

            // The open streams go on: each delivers three more events after the refusals.
            var more = await Task.WhenAll(served.Select(r => ReadEventsAsync(r, 3, cancellationToken)));
            Assert.That(more.All(n => n >= 3), Is.True, "every open stream keeps flowing");
            Assert.That(host.HasExited, Is.False);
        }
        finally
        {
            served.ForEach(r => r.Dispose());
            refused.ForEach(r => r.Dispose());
        }

        // With the streams closed, new calls are served again.
        HttpResponseMessage? again = null;
        await Eventually.UntilAsync(() =>
        {
            again?.Dispose();
            again = TrySendAsync(client, chat, token, cancellationToken).GetAwaiter().GetResult();
            return again?.StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(30), "a call is served once the streams have ended");
        again!.Dispose();
        Assert.That(host.HasExited, Is.False);
    }

    private static async Task<HttpResponseMessage?> TrySendAsync(HttpClient client, Uri chat, string token, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, chat)
        {
            Content = new StringContent("""{"model":"gpt-4o-mini","stream":true,"max_tokens":900,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        try
        {
            return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException)
        {
            return null; // reset or refused connection: counted as "no answer"
        }
    }

    /// <summary>Reads until <paramref name="count"/> more SSE events arrived; returns how many did.</summary>
    private static async Task<int> ReadEventsAsync(HttpResponseMessage response, int count, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[4096];
        int events = 0;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        while (events < count)
        {
            int read = await body.ReadAsync(buffer, timeout.Token);
            if (read == 0)
            {
                break;
            }

            events += buffer.AsSpan(0, read).Count("data: "u8);
        }

        return events;
    }
}
