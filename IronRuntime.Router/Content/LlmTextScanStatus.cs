namespace IronRuntime.Router;

/// <summary>What an <see cref="ILlmTextScanner"/> decided about a piece of text.</summary>
public enum LlmTextScanStatus
{
    /// <summary>Forward the piece exactly as it is; nothing was written to the output.</summary>
    Unchanged = 0,

    /// <summary>Forward what was written to the output instead (possibly nothing: the text is held back for now).</summary>
    Rewritten = 1,

    /// <summary>Stop: refuse the request or end the response (see <see cref="ILlmTextScanner.BlockedEntityTypes"/>).</summary>
    Blocked = 2,
}
