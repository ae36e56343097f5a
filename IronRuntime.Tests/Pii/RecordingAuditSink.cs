using System.Collections.Concurrent;
using IronRuntime.Pii;

namespace IronRuntime.Tests.Pii;

/// <summary>An audit sink that keeps every event, for assertions.</summary>
internal sealed class RecordingAuditSink : IPiiAuditSink
{
    private readonly ConcurrentQueue<PiiAuditEvent> _events = new();

    public IReadOnlyList<PiiAuditEvent> Events => [.. _events];

    public void Write(PiiAuditEvent auditEvent) => _events.Enqueue(auditEvent);
}
