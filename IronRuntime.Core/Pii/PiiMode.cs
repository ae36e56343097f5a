namespace IronRuntime.Pii;

/// <summary>What the runtime does with personal data and secrets found in one direction of traffic.</summary>
public enum PiiMode
{
    /// <summary>Nothing is scanned; the traffic passes byte for byte.</summary>
    Off = 0,

    /// <summary>Values are counted and audited; the traffic is not changed.</summary>
    Detect = 1,

    /// <summary>Values are replaced by a marker such as <c>[EMAIL]</c> (or the configured replacement or redactor).</summary>
    Redact = 2,

    /// <summary>A request is refused, or a response is ended, with a provider-shaped error naming the entity types.</summary>
    Block = 3,
}
