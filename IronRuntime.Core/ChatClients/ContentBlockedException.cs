namespace IronRuntime.ChatClients;

/// <summary>
/// A prompt refused, or an answer ended, because it contains personal data or secrets and the PII policy for its
/// direction is <see cref="Pii.PiiMode.Block"/> (what the router answers with <c>iron_runtime_content_blocked</c> /
/// <c>pii_detected</c>). Names the entity types, never the values. A refused prompt was not sent; an ended answer was
/// charged for what the provider produced.
/// </summary>
public sealed class ContentBlockedException : IronRuntimeCallRefusedException
{
    /// <summary>The error type.</summary>
    public const string Type = "iron_runtime_content_blocked";

    /// <summary>The error code.</summary>
    public const string Code = "pii_detected";

    /// <summary>Creates the exception.</summary>
    public ContentBlockedException()
        : this("IronRuntime blocked the content.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public ContentBlockedException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ContentBlockedException(string message, Exception? innerException)
        : base(message, 400, Type, Code, innerException)
    {
    }

    /// <summary>The entity types found (e.g. <c>EMAIL</c>, <c>CREDIT_CARD</c>).</summary>
    public IReadOnlyList<string> EntityTypes { get; init; } = [];

    /// <summary>True when the prompt was refused; false when the answer was ended.</summary>
    public bool InRequest { get; init; }
}
