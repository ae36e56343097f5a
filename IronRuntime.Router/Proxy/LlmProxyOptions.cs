using System.ComponentModel.DataAnnotations;

namespace IronRuntime.Router;

/// <summary>Options of the loopback proxy through which child-process agents reach the router.</summary>
public sealed class LlmProxyOptions
{
    /// <summary>The TCP port on <c>127.0.0.1</c>; 0 (the default) picks a free one when the proxy starts.</summary>
    [Range(0, 65535)]
    public int Port { get; set; }

    /// <summary>
    /// Start the proxy when the host starts (with <c>AddIronRuntime</c> in a generic host) instead of when the first
    /// process agent starts. Default false.
    /// </summary>
    public bool StartWithHost { get; set; }
}
