using System.Net;

namespace IronRuntime.Router.Pipeline;

/// <summary>What <see cref="RequestBodyReader"/> read.</summary>
/// <param name="Body">The body, or null when refused.</param>
/// <param name="Status">When refused: 413, 400 or 408.</param>
/// <param name="Error">When it could not be read: the reason.</param>
internal readonly record struct RequestBody(byte[]? Body, HttpStatusCode Status, string? Error)
{
    /// <summary>Over the limit.</summary>
    public static RequestBody TooLarge { get; } = new(null, HttpStatusCode.RequestEntityTooLarge, null);
}
