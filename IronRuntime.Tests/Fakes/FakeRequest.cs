using System.Text;
using System.Text.Json;

namespace IronRuntime.Tests.Fakes;

/// <summary>A request as it reached <see cref="FakeProvider"/>.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The path (<c>/v1/chat/completions</c>, ...).</param>
/// <param name="QueryString">The query string, with its <c>?</c>, or empty.</param>
/// <param name="Headers">Every header, names case-insensitive, repeated values joined with <c>", "</c>.</param>
/// <param name="Body">The raw body.</param>
public sealed record FakeRequest(
    string Method,
    string Path,
    string QueryString,
    IReadOnlyDictionary<string, string> Headers,
    byte[] Body)
{
    /// <summary>The HTTP version the request came in (<c>HTTP/1.1</c>, <c>HTTP/2</c>).</summary>
    public string Protocol { get; init; } = "HTTP/1.1";

    /// <summary>The id of the connection the request came on (requests multiplexed over HTTP/2 share one).</summary>
    public string ConnectionId { get; init; } = string.Empty;

    /// <summary>The body decoded as UTF-8.</summary>
    public string BodyText => Encoding.UTF8.GetString(Body);

    /// <summary>A header's value, or null when absent.</summary>
    public string? Header(string name) => Headers.TryGetValue(name, out string? value) ? value : null;

    /// <summary>The body parsed as JSON (dispose the document).</summary>
    public JsonDocument ParseBody() => JsonDocument.Parse(Body);
}
