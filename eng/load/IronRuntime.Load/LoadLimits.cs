namespace IronRuntime.Load;

/// <summary>Applies the admission limits given on the command line (0: none) to the host's builder.</summary>
internal static class LoadLimits
{
    public static void Apply(IronRuntimeBuilder builder, int maxCalls, int maxCallsPerAgent)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (maxCalls > 0 || maxCallsPerAgent > 0)
        {
            builder.WithConcurrencyLimits(maxCalls > 0 ? maxCalls : null, maxCallsPerAgent > 0 ? maxCallsPerAgent : null);
        }
    }
}
