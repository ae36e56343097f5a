using System.Net;
using System.Net.Http.Headers;

namespace IronRuntime.Benchmarks.Pipeline;

/// <summary>A provider that answers at once from memory, after reading the request body like a real one.</summary>
/// <param name="responseBody">The JSON answer.</param>
internal sealed class InMemoryUpstream(byte[] responseBody) : HttpMessageHandler
{
    /// <summary>When set, answers 500 instead (to open circuit breakers).</summary>
    public bool Fail { get; set; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Content is not null)
        {
            await request.Content.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
        }

        var content = new ByteArrayContent(responseBody);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return new HttpResponseMessage(Fail ? HttpStatusCode.InternalServerError : HttpStatusCode.OK) { Content = content, RequestMessage = request };
    }
}
