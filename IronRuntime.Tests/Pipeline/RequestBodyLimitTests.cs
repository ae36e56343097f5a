using System.Net;
using System.Text;
using IronRuntime.Tests.Support;

namespace IronRuntime.Tests.Pipeline;

/// <summary>
/// The request-body limit holds to the byte, whether the body is in memory (a string or byte-array content, read in one
/// piece) or arrives as a stream of unknown length (read in pooled segments).
/// </summary>
public sealed class RequestBodyLimitTests
{
    private const int Limit = 4096;
    private RuntimeHarness _h = null!;

    [SetUp]
    public async Task SetUp() => _h = await RuntimeHarness.StartAsync(b => b.WithBudget(10m).Configure(c => c.Router.MaxRequestBodyBytes = Limit));

    [TearDown]
    public async Task TearDown() => await _h.DisposeAsync();

    [TestCase(Limit, HttpStatusCode.OK, true)]
    [TestCase(Limit + 1, HttpStatusCode.RequestEntityTooLarge, true)]
    [TestCase(Limit, HttpStatusCode.OK, false)]
    [TestCase(Limit + 1, HttpStatusCode.RequestEntityTooLarge, false)]
    public async Task BodyOfExactLength_IsAcceptedUpToTheLimit(int length, HttpStatusCode expected, bool inMemory)
    {
        byte[] body = BodyOfLength(length);
        HttpContent content = inMemory ? new ByteArrayContent(body) : new StreamContent(new UnseekableStream(body));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var http = _h.Runtime.CreateHttpClient("a1");

        using var response = await http.PostAsync("https://api.openai.com/v1/chat/completions", content);

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(expected));
            Assert.That(_h.Fake.ArrivedCount, Is.EqualTo(expected == HttpStatusCode.OK ? 1 : 0));
        });
        if (expected == HttpStatusCode.OK)
        {
            Assert.That(_h.Fake.LastRequest.BodyText, Is.EqualTo(Encoding.UTF8.GetString(body)), "the body reaches the provider whole");
        }
    }

    /// <summary>A chat request of exactly <paramref name="length"/> bytes (the padding is in the user's text).</summary>
    private static byte[] BodyOfLength(int length)
    {
        const string head = """{"model":"gpt-4o-mini","max_tokens":10,"messages":[{"role":"user","content":" """;
        const string tail = "\"}]}";
        return Encoding.UTF8.GetBytes(head + new string('x', length - head.Length - tail.Length) + tail);
    }

    private sealed class UnseekableStream(byte[] bytes) : MemoryStream(bytes, writable: false)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }
    }
}
