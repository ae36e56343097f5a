using System.Net;
using System.Text;
using IronRuntime.Pii;
using IronRuntime.Tests.Support;

namespace IronRuntime.Tests.Pii;

/// <summary>
/// <c>Pii:FailClosed</c> for requests: in Redact/Block, a body the content filter cannot parse is refused when it is true
/// and passed unscanned when it is false. The body here is valid JSON the request reader accepts (nesting up to 256)
/// but deeper than the content filter reads (128).
/// </summary>
public sealed class PiiFailClosedTests
{
    private static StringContent DeepBody()
    {
        string deep = new string('[', 150) + new string(']', 150);
        return new("""{"model":"gpt-4o-mini","max_tokens":20,"messages":[{"role":"user","content":"hello"}],"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","x":""" + deep + "}}}]}", Encoding.UTF8, "application/json");
    }

    [TestCase(PiiMode.Redact, true, 422)]
    [TestCase(PiiMode.Block, true, 422)]
    [TestCase(PiiMode.Redact, false, 0)]
    [TestCase(PiiMode.Block, false, 0)]
    public async Task UnparsableRequestBody_RefusedOnlyWhenFailClosed(PiiMode mode, bool failClosed, int refusedWith)
    {
        await using var h = await RuntimeHarness.StartAsync(b => b.WithPii(p => (p.RequestMode, p.FailClosed) = (mode, failClosed)));
        using var http = h.Runtime.CreateHttpClient("a1");

        using var response = await http.PostAsync("https://api.openai.com/v1/chat/completions", DeepBody());
        string body = await response.Content.ReadAsStringAsync();

        if (failClosed)
        {
            Assert.Multiple(() =>
            {
                Assert.That((int)response.StatusCode, Is.EqualTo(refusedWith), body);
                Assert.That(body, Does.Contain("unparsed_content"));
                Assert.That(h.Fake.ArrivedCount, Is.Zero, "nothing was sent");
            });
        }
        else
        {
            Assert.That(h.Fake.ArrivedCount, Is.EqualTo(1), $"passed unscanned to the provider; the runtime answered {(int)response.StatusCode}: {body}");
        }
    }
}
