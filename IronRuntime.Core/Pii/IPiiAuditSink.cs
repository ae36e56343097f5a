namespace IronRuntime.Pii;

/// <summary>Receives an audit event per detection. Must not throw and must not block (the call is on the traffic's path).</summary>
/// <remarks>The default keeps the latest <see cref="PiiOptions.AuditCapacity"/> events in memory and logs each without its value.</remarks>
public interface IPiiAuditSink
{
    /// <summary>Records one detection.</summary>
    /// <param name="auditEvent">The event; it never carries the value.</param>
    void Write(PiiAuditEvent auditEvent);
}
