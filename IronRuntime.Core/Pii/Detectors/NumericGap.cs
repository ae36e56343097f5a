namespace IronRuntime.Pii.Detectors;

/// <summary>What separates two digit groups of a numeric run (or follows the last one).</summary>
internal enum NumericGap : byte
{
    /// <summary>The run ends here (what follows is not a separator followed by a digit).</summary>
    End = 0,
    Space,
    Dash,
    Dot,

    /// <summary><c>)</c>, <c>) </c> or <c>)-</c>: closes a parenthesised group.</summary>
    ParenClose,

    /// <summary><c>(</c> or <c> (</c>: opens a parenthesised group.</summary>
    ParenOpen,

    /// <summary>Any other separator pair; no format accepts it.</summary>
    Other,
}
