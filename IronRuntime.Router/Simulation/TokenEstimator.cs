namespace IronRuntime.Router.Simulation;

/// <summary>
/// The rough token arithmetic of the simulated provider: about four UTF-8 bytes per token, plus a fixed
/// overhead per message for the role and separators.
/// </summary>
internal static class TokenEstimator
{
    /// <summary>Tokens added per message (role and framing), as chat formats roughly cost.</summary>
    public const int TokensPerMessage = 3;

    /// <summary>Tokens of <paramref name="utf8ByteCount"/> bytes of text: the ceiling of a quarter.</summary>
    public static long FromUtf8Bytes(long utf8ByteCount) => (utf8ByteCount + 3) / 4;

    /// <summary>Tokens of a prompt made of <paramref name="messageCount"/> messages totalling <paramref name="utf8ByteCount"/> bytes of text.</summary>
    public static long ForPrompt(long utf8ByteCount, int messageCount) => FromUtf8Bytes(utf8ByteCount) + ((long)TokensPerMessage * messageCount);
}
