using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IronRuntime.Pii.Internal;

/// <summary>
/// The default audit sink: the latest events in a bounded in-memory ring, each also logged (without its value) and,
/// when the runtime keeps state (<see cref="State.StateOptions.DatabasePath"/>), persisted to the state store.
/// </summary>
internal sealed class InMemoryPiiAuditSink : IPiiAuditSink, IPiiAuditLog
{
    private readonly PiiAuditEvent?[] _ring;
    private readonly Lock _lock = new();
    private readonly ILogger _logger;
    private readonly State.IRuntimeStateStore? _store;
    private long _written;

    public InMemoryPiiAuditSink(IOptions<PiiOptions> options, ILogger<InMemoryPiiAuditSink> logger, State.StateRecorder state)
    {
        _ring = new PiiAuditEvent?[options.Value.AuditCapacity];
        _logger = logger;
        _store = state.Store;
    }

    public void Write(PiiAuditEvent auditEvent)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        lock (_lock)
        {
            _ring[_written % _ring.Length] = auditEvent;
            _written++;
        }

        _store?.AppendAudit(auditEvent);
        PiiLog.Detected(_logger, auditEvent.EntityType, auditEvent.Direction, auditEvent.AgentId, auditEvent.Position, auditEvent.ValueHash, auditEvent.Mode);
    }

    /// <summary>The events kept, oldest first.</summary>
    public IReadOnlyList<PiiAuditEvent> Snapshot()
    {
        lock (_lock)
        {
            long count = Math.Min(_written, _ring.Length);
            var events = new List<PiiAuditEvent>((int)count);
            for (long i = _written - count; i < _written; i++)
            {
                events.Add(_ring[i % _ring.Length]!);
            }

            return events;
        }
    }

    public IReadOnlyList<PiiAuditEvent> GetRecent(string? agentId = null)
    {
        var events = Snapshot();
        return agentId is null ? events : [.. events.Where(e => string.Equals(e.AgentId, agentId, StringComparison.Ordinal))];
    }
}
