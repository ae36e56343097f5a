using IronRuntime.Router;

namespace IronRuntime.Tests.Fakes;

/// <summary>What the fake answers one request with, before it is rendered from the fixtures.</summary>
internal sealed record FakeReply
{
    public required LlmApi Api { get; init; }

    public required string Model { get; init; }

    public required string Id { get; init; }

    public required string ItemId { get; init; }

    public required long Created { get; init; }

    /// <summary>The text in the pieces a stream sends it in.</summary>
    public required IReadOnlyList<string> Deltas { get; init; }

    /// <summary>Normalised usage: input includes cached and cache-write tokens.</summary>
    public required TokenUsage Usage { get; init; }

    /// <summary>Stopped by the output limit.</summary>
    public bool Truncated { get; init; }

    /// <summary>Chat Completions stream: <c>stream_options.include_usage</c>.</summary>
    public bool IncludeUsage { get; init; }

    /// <summary>OpenAI streams: <c>obfuscation</c> padding (on unless <c>stream_options.include_obfuscation</c> is false).</summary>
    public bool IncludeObfuscation { get; init; }

    public ulong ObfuscationSeed { get; init; }

    public required string SystemFingerprint { get; init; }

    public string? Instructions { get; init; }

    public long? MaxOutputTokens { get; init; }

    public string? PreviousResponseId { get; init; }

    public bool Store { get; init; } = true;

    public string Text => string.Concat(Deltas);
}
