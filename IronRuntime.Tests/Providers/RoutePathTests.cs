using IronRuntime.Router;
using IronRuntime.Router.Providers;

namespace IronRuntime.Tests.Providers;

/// <summary>
/// <see cref="RoutePath.AbsolutePathOf"/> reads a plain address's path from its text; for every address it must give
/// what <see cref="Uri"/> itself gives (<see cref="Uri.AbsolutePath"/>, <see cref="Uri.Query"/>): the route the router
/// matches, and so which key a request gets, depends on it.
/// </summary>
public sealed class RoutePathTests
{
    [TestCase("https://api.openai.com/v1/chat/completions")]
    [TestCase("http://127.0.0.1:8080/v1/messages")]
    [TestCase("https://router.ironruntime.invalid/v1/embeddings")]
    [TestCase("https://API.OpenAI.com/V1/Chat/Completions")]
    [TestCase("https://api.openai.com/")]
    [TestCase("https://api.openai.com//v1//chat/completions")]
    [TestCase("https://api.openai.com/v1/chat/completions?api-version=2024")]
    [TestCase("https://api.openai.com/v1/chat/completions#frag")]
    [TestCase("https://api.openai.com/v1/./chat/completions")]
    [TestCase("https://api.openai.com/v1/files/../chat/completions")]
    [TestCase("https://api.openai.com/v1/chat%2Fcompletions")]
    [TestCase("https://api.openai.com/v1/chat/compl%65tions")]
    [TestCase("https://api.openai.com/v1/chat/completions/")]
    [TestCase("https://api.openai.com/v1/chat/co mpletions")]
    [TestCase("https://api.openai.com?x=/v1/chat/completions")]
    [TestCase("https://api.openai.com#/v1/chat/completions")]
    [TestCase("https://user:pw@api.openai.com/v1/chat/completions")]
    [TestCase("https://[::1]:8080/v1/chat/completions")]
    [TestCase("https://api.openai.com:443/v1/chat/completions")]
    [TestCase("HTTPS://api.openai.com/v1/chat/completions")]
    [TestCase("https://api.openai.com/v1/chat\\completions")]
    [TestCase("https://api.openai.com/v1/ch\u00e4t/completions")]
    [TestCase("  https://api.openai.com/v1/chat/completions  ")]
    [TestCase("https://api.openai.com/v1/chat/completions.")]
    [TestCase("https://api.openai.com/v1/chat/completions;x")]
    public void AbsolutePathOf_IsWhatUriGives(string address)
    {
        var uri = new Uri(address, UriKind.Absolute);
        AssertSameAsUri(uri);
    }

    [TestCase("/v1/chat/completions")]
    [TestCase("v1/chat/completions")]
    [TestCase("/v1/../v1/chat/completions")]
    [TestCase("../../v1/files")]
    [TestCase("/v1/chat/completions?x=1")]
    [TestCase("https://other.example/v1/messages")]
    public void AbsolutePathOf_OfAnAddressResolvedAgainstTheRoutersBase_IsWhatUriGives(string relative)
    {
        // How HttpClient makes the address of a client from LlmRouter.CreateClient.
        var uri = new Uri(LlmRouter.RelativeBase, relative);
        AssertSameAsUri(uri);
    }

    [Test]
    public void AbsolutePathOf_RandomAddresses_IsWhatUriGives()
    {
        // Characters that end or change a path (? # \ % . @ [ ] : space), next to the plain ones.
        const string alphabet = "aZ09_-/.:?#\\%@[] ~;=&+!$'()*,";
        var random = new Random(20261127);
        int compared = 0;
        for (int i = 0; i < 60_000; i++)
        {
            string prefix = random.Next(3) switch { 0 => "https://", 1 => "http://", _ => "https://api.openai.com" };
            var chars = new char[random.Next(0, 24)];
            for (int c = 0; c < chars.Length; c++)
            {
                chars[c] = alphabet[random.Next(alphabet.Length)];
            }

            string host = prefix.EndsWith("//", StringComparison.Ordinal) ? "h" + random.Next(10) : string.Empty;
            if (!Uri.TryCreate(prefix + host + new string(chars), UriKind.Absolute, out var uri))
            {
                continue;
            }

            AssertSameAsUri(uri);
            compared++;
        }

        Assert.That(compared, Is.GreaterThan(10_000), "enough generated addresses are valid URIs");
    }

    private static void AssertSameAsUri(Uri uri)
    {
        string path = RoutePath.AbsolutePathOf(uri, out string query);
        Assert.That((path, query), Is.EqualTo((uri.AbsolutePath, uri.Query)), uri.OriginalString);
    }
}
