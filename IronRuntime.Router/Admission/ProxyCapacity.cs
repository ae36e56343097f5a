namespace IronRuntime.Router.Admission;

/// <summary>
/// How many calls and connections the loopback proxy takes at once without running the process out of file
/// descriptors: each proxied call holds two (the agent's connection and the provider's), each refused connection one
/// until its 503 is written; a reserve stays for the host (assemblies, logs, its own sockets).
/// </summary>
/// <param name="Calls">Proxied calls in flight at most; beyond, 503.</param>
/// <param name="Connections">Agent connections open at most (Kestrel's limit): the calls plus room to refuse with a 503.</param>
/// <param name="Descriptors">The open-file limit it was computed from, or 0 when unknown.</param>
/// <param name="Reserve">Descriptors kept for everything else.</param>
internal readonly record struct ProxyCapacity(int Calls, int Connections, long Descriptors, int Reserve)
{
    /// <summary>No known limit: nothing is capped here (the router's own limits still apply).</summary>
    public static ProxyCapacity Unlimited { get; } = new(int.MaxValue, int.MaxValue, 0, 0);

    /// <summary>
    /// The capacity under an open-file limit of <paramref name="limit"/> with <paramref name="openNow"/> already open:
    /// reserve = open now + max(256, limit / 40); calls = 8/17 of the rest, connections = calls × 9/8 (2 × calls +
    /// calls / 8 = the rest).
    /// </summary>
    public static ProxyCapacity For(long limit, int openNow)
    {
        int reserve = (int)Math.Min(int.MaxValue, openNow + Math.Max(256, limit / 40));
        long usable = limit - reserve;
        if (usable < 17)
        {
            return new ProxyCapacity(1, 2, limit, reserve);
        }

        long calls = Math.Min(int.MaxValue / 2, usable * 8 / 17);
        return new ProxyCapacity((int)calls, (int)(calls + Math.Max(1, calls / 8)), limit, reserve);
    }

    /// <summary>The capacity of this process: its soft limit after raising it to the hard one.</summary>
    public static ProxyCapacity OfThisProcess()
        => DescriptorLimit.Current() is { } limit ? For(limit, DescriptorLimit.OpenNow() ?? 64) : Unlimited;
}
