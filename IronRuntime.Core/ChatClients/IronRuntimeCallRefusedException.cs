namespace IronRuntime.ChatClients;

/// <summary>
/// A call that IronRuntime's <c>UseIronRuntime()</c> chat-client middleware refused or ended, with the facts the router
/// puts in its provider-shaped HTTP error bodies: the HTTP status it would answer, the error type and code
/// (for example <c>iron_runtime_unknown_model_price</c> / <c>model_price_unknown</c>) and a message naming the limits.
/// The common refusals have their own types: <see cref="BudgetExceededException"/>, <see cref="ProviderUnavailableException"/>
/// and <see cref="ContentBlockedException"/>.
/// </summary>
/// <param name="message">The message.</param>
/// <param name="statusCode">The HTTP status the router answers the same refusal with.</param>
/// <param name="errorType">The error type of the router's error body.</param>
/// <param name="errorCode">The error code of the router's error body.</param>
/// <param name="innerException">The cause, if any.</param>
public class IronRuntimeCallRefusedException(string message, int statusCode, string errorType, string errorCode, Exception? innerException = null)
    : Exception(message, innerException)
{
    /// <summary>Creates the exception.</summary>
    public IronRuntimeCallRefusedException()
        : this("IronRuntime refused the call.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public IronRuntimeCallRefusedException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public IronRuntimeCallRefusedException(string message, Exception? innerException)
        : this(message, 400, "iron_runtime_denied", "denied", innerException)
    {
    }

    /// <summary>The HTTP status the router answers the same refusal with (402, 503, 400…).</summary>
    public int StatusCode { get; } = statusCode;

    /// <summary>The error type, as in the router's error body (<c>iron_runtime_budget_exceeded</c>…).</summary>
    public string ErrorType { get; } = errorType;

    /// <summary>The error code, as in the router's error body (<c>budget_exceeded</c>…).</summary>
    public string ErrorCode { get; } = errorCode;
}
