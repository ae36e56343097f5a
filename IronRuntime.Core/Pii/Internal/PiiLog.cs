using IronRuntime.Router;
using Microsoft.Extensions.Logging;

namespace IronRuntime.Pii.Internal;

/// <summary>The PII subsystem's log messages; event ids 3000-3999. Never a value: entity types, positions and keyed hashes only.</summary>
internal static partial class PiiLog
{
    [LoggerMessage(3000, LogLevel.Information, "PII detected: {EntityType} in the {Direction} of agent {AgentId} at byte {Position}, value hash {ValueHash}; action {Mode}.")]
    public static partial void Detected(ILogger logger, string entityType, LlmContentDirection direction, string? agentId, long position, string valueHash, PiiMode mode);

    [LoggerMessage(3001, LogLevel.Warning, "The {Direction} of agent {AgentId} was blocked: it contains {EntityTypes}.")]
    public static partial void Blocked(ILogger logger, LlmContentDirection direction, string? agentId, string entityTypes);

    [LoggerMessage(3002, LogLevel.Warning, "A held-back run of {Bytes} bytes in the {Direction} of agent {AgentId} reached the hold-back cap and was redacted as {EntityType}.")]
    public static partial void HoldBackCapReached(ILogger logger, int bytes, LlmContentDirection direction, string? agentId, string entityType);

    [LoggerMessage(3003, LogLevel.Error, "The PII audit sink threw; the detection was still counted.")]
    public static partial void AuditSinkFailed(ILogger logger, Exception exception);
}
