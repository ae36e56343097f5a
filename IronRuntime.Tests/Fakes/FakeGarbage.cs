namespace IronRuntime.Tests.Fakes;

/// <summary>What kind of broken answer <see cref="FakeProvider"/> sends instead of a good one.</summary>
public enum FakeGarbage
{
    /// <summary>Good answers.</summary>
    None = 0,

    /// <summary>A 200 whose body is an HTML error page, not JSON (nor SSE), under the usual content type.</summary>
    NotJson = 1,

    /// <summary>
    /// A stream whose first event is good and whose next one carries truncated JSON, then ends
    /// (no terminal event, no <c>[DONE]</c>); for a non-streamed request, the JSON body cut in half.
    /// </summary>
    MalformedStream = 2,

    /// <summary>
    /// A non-streamed answer whose connection is cut halfway through its body: 200 with the full
    /// <c>Content-Length</c>, the first half of the JSON, then the connection aborted.
    /// </summary>
    CutBody = 3,
}
