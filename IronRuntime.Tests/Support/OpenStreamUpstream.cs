using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace IronRuntime.Tests.Support;

/// <summary>
/// A provider (the upstream client's primary handler) that records what a request carried when sent, and answers with
/// an event stream that stays open: events go out with <see cref="WriteAsync"/>, the stream ends with
/// <see cref="FinishAsync"/> or breaks off with <see cref="BreakAsync"/>.
/// </summary>
internal sealed class OpenStreamUpstream : HttpMessageHandler
{
    private readonly Pipe _body = new();

    /// <summary>The message the router sent.</summary>
    public HttpRequestMessage? Sent { get; private set; }

    /// <summary>Its headers as sent, one <c>name: value</c> a line.</summary>
    public string SentHeaders { get; private set; } = string.Empty;

    /// <summary>Its body as sent.</summary>
    public string SentBody { get; private set; } = string.Empty;

    /// <summary>Sends <paramref name="events"/> and keeps the stream open.</summary>
    public async Task WriteAsync(string events) => await _body.Writer.WriteAsync(Encoding.UTF8.GetBytes(events));

    /// <summary>Sends <paramref name="events"/> and ends the stream.</summary>
    public async Task FinishAsync(string events)
    {
        await WriteAsync(events);
        await _body.Writer.CompleteAsync();
    }

    /// <summary>Breaks the stream off, as a provider whose connection dropped.</summary>
    public ValueTask BreakAsync() => _body.Writer.CompleteAsync(new IOException("The provider's connection was reset."));

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Sent = request;
        SentHeaders = string.Join("\n", request.Headers.NonValidated.Select(h => h.Key + ": " + h.Value));
        SentBody = await request.Content!.ReadAsStringAsync(cancellationToken);
        var content = new StreamContent(_body.Reader.AsStream());
        content.Headers.ContentType = new MediaTypeHeaderValue("text/event-stream");
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = request };
    }
}
