using System.Buffers;
using System.Net;
using System.Text;
using IronRuntime.Pii;
using IronRuntime.Router;
using IronRuntime.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace IronRuntime.Tests.Pii;

/// <summary>README: "Replace the engine (<c>IPiiEngine</c>) ... or the whole content policy (<c>ILlmContentFilter</c>) by registering your own."</summary>
public sealed class PiiReplacementTests
{
    private static StringContent Chat(string text)
        => new($$"""{"model":"gpt-4o-mini","max_tokens":20,"messages":[{"role":"user","content":"{{text}}"}]}""", Encoding.UTF8, "application/json");

    [Test]
    public async Task RegisteredEngine_ReplacesTheBuiltInOne()
    {
        var engine = new BananaEngine();
        await using var h = await RuntimeHarness.StartAsync(b =>
        {
            b.WithPii(p => p.RequestMode = PiiMode.Block);
            b.Services.AddSingleton<IPiiEngine>(engine);
        });
        using var http = h.Runtime.CreateHttpClient("a1");

        using var banana = await http.PostAsync("https://api.openai.com/v1/chat/completions", Chat("I like banana"));
        using var email = await http.PostAsync("https://api.openai.com/v1/chat/completions", Chat("mail jo@example.com"));

        Assert.Multiple(() =>
        {
            Assert.That(engine.Scans, Is.GreaterThan(0), "the registered engine scanned the prompts");
            Assert.That(banana.StatusCode, Is.EqualTo((HttpStatusCode)422), "what it found was blocked");
            Assert.That(email.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the built-in engine (which would find the e-mail) is not used");
        });
    }

    [Test]
    public async Task RegisteredContentFilter_ReplacesTheBuiltInPolicy()
    {
        var filter = new PassingFilter();
        await using var h = await RuntimeHarness.StartAsync(b =>
        {
            b.WithPii(p => p.RequestMode = PiiMode.Block);
            b.Services.AddSingleton<ILlmContentFilter>(filter);
        });
        using var http = h.Runtime.CreateHttpClient("a1");

        using var response = await http.PostAsync("https://api.openai.com/v1/chat/completions", Chat("mail jo@example.com"));

        Assert.Multiple(() =>
        {
            Assert.That(filter.Consulted, Is.GreaterThan(0), "the registered filter was asked");
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), "its decision (scan nothing) wins over Pii:RequestMode=Block");
        });
    }

    /// <summary>Finds the word "banana" as FRUIT and nothing else.</summary>
    private sealed class BananaEngine : IPiiEngine
    {
        private int _scans;

        public int Scans => Volatile.Read(ref _scans);

        public PiiScanResult Scan(ReadOnlySpan<byte> text, ReadOnlySpan<byte> preceding, bool isFinal, List<PiiMatch> matches)
        {
            Interlocked.Increment(ref _scans);
            int at = text.IndexOf("banana"u8);
            if (at >= 0)
            {
                matches.Add(new PiiMatch(at, 6, "FRUIT"));
            }

            return new PiiScanResult(text.Length, null);
        }
    }

    /// <summary>Scans nothing, and counts how often it was asked.</summary>
    private sealed class PassingFilter : ILlmContentFilter
    {
        private int _consulted;

        public int Consulted => Volatile.Read(ref _consulted);

        public bool IsEnabled(LlmCall call, LlmContentDirection direction)
        {
            Interlocked.Increment(ref _consulted);
            return false;
        }

        public bool FailClosed(LlmCall call, LlmContentDirection direction) => false;

        public ILlmTextScanner CreateScanner(LlmCall call, LlmContentDirection direction, bool repeatsScannedText) => throw new NotSupportedException();
    }
}
