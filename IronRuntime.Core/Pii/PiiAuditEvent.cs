using IronRuntime.Router;

namespace IronRuntime.Pii;

/// <summary>One detection, as audited: never the value itself, only a keyed hash of it.</summary>
/// <param name="Timestamp">When it was found (from the runtime's <see cref="TimeProvider"/>).</param>
/// <param name="AgentId">The agent whose traffic it was in, or null.</param>
/// <param name="Direction">Prompt or model output.</param>
/// <param name="EntityType">What was found.</param>
/// <param name="Position">The UTF-8 byte offset of the value in its text (a prompt string, or one streamed choice, block or tool call).</param>
/// <param name="ValueHash">HMAC-SHA256 of the value under the runtime's audit key, hex, first 16 bytes: equal values give equal hashes.</param>
/// <param name="Mode">What was done: detected only, redacted, or blocked.</param>
public sealed record PiiAuditEvent(
    DateTimeOffset Timestamp,
    string? AgentId,
    LlmContentDirection Direction,
    string EntityType,
    long Position,
    string ValueHash,
    PiiMode Mode);
