using System.Security.Cryptography;
using IronRuntime.Router;
using Microsoft.Extensions.Logging;

namespace IronRuntime.Pii.Internal;

/// <summary>Turns a detection into an audit event (keyed hash, never the value) and the counters.</summary>
internal sealed class PiiAuditor
{
    private readonly byte[] _key;
    private readonly IPiiAuditSink _sink;
    private readonly PiiMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public PiiAuditor(PiiOptions options, IPiiAuditSink sink, PiiMetrics metrics, TimeProvider time, ILogger logger)
    {
        _key = options.AuditHashKey is { Length: > 0 } key ? Convert.FromBase64String(key) : RandomNumberGenerator.GetBytes(32);
        if (_key.Length < 16)
        {
            throw new InvalidOperationException($"IronRuntime:Pii:AuditHashKey must decode to at least 16 bytes; it decodes to {_key.Length}.");
        }

        _sink = sink;
        _metrics = metrics;
        _time = time;
        _logger = logger;
    }

    public ILogger Logger => _logger;

    public void Record(string? callerId, LlmContentDirection direction, string entityType, long position, ReadOnlySpan<byte> value, PiiMode mode)
    {
        _metrics.Add(callerId, entityType, direction);
        Span<byte> hash = stackalloc byte[32];
        HMACSHA256.HashData(_key, value, hash);
        var auditEvent = new PiiAuditEvent(_time.GetUtcNow(), callerId, direction, entityType, position, Convert.ToHexStringLower(hash[..16]), mode);
        try
        {
            _sink.Write(auditEvent);
        }
        catch (Exception ex)
        {
            PiiLog.AuditSinkFailed(_logger, ex);
        }
    }
}
