namespace IronRuntime.Agents.Processes;

/// <summary>
/// The environment of a process agent: the host's, without any variable that carries a real provider key, plus the
/// options' extras, plus the proxy's base URLs, the agent's token and its id.
/// </summary>
internal static class AgentEnvironment
{
    /// <summary>The variable that tells a process agent its id.</summary>
    public const string AgentIdVariable = "IRON_AGENT_ID";

    /// <summary>Credentials the SDKs read; the host's values never reach an agent.</summary>
    private static readonly string[] SdkCredentials = ["OPENAI_API_KEY", "ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN"];

    /// <summary>Throws when an extra variable would hand a real key to the agent.</summary>
    /// <exception cref="ArgumentException">A value contains one of <paramref name="secrets"/>.</exception>
    public static void EnsureNoSecrets(IDictionary<string, string?> extra, IReadOnlyList<string> secrets)
    {
        foreach (var (name, value) in extra)
        {
            if (ContainsSecret(value, secrets))
            {
                throw new ArgumentException(
                    $"The environment variable '{name}' for the agent contains a real provider key; agents never get the real keys.",
                    nameof(extra));
            }
        }
    }

    /// <summary>
    /// Throws when an argument (or the interpreter) would hand a real key to the agent: a process's command line is
    /// readable by every user of the machine in <c>/proc/&lt;pid&gt;/cmdline</c>.
    /// </summary>
    /// <exception cref="ArgumentException">An argument contains one of <paramref name="secrets"/>.</exception>
    public static void EnsureNoSecrets(IList<string> arguments, string? interpreter, IReadOnlyList<string> secrets)
    {
        if (ContainsSecret(interpreter, secrets))
        {
            throw new ArgumentException("The interpreter of the agent contains a real provider key; agents never get the real keys.", nameof(interpreter));
        }

        for (int i = 0; i < arguments.Count; i++)
        {
            if (ContainsSecret(arguments[i], secrets))
            {
                throw new ArgumentException(
                    $"The argument at index {i} for the agent contains a real provider key; agents never get the real keys (and a command line is visible to every user of the machine).",
                    nameof(arguments));
            }
        }
    }

    /// <summary>Turns <paramref name="environment"/> (the host's, as <c>ProcessStartInfo</c> gives it) into the agent's.</summary>
    public static void Apply(
        IDictionary<string, string?> environment,
        IReadOnlyList<string> secrets,
        IDictionary<string, string?> extra,
        Uri openAIBaseUrl,
        Uri anthropicBaseUrl,
        string token,
        string agentId)
    {
        foreach (string name in environment.Where(e => ContainsSecret(e.Value, secrets)).Select(e => e.Key).ToList())
        {
            environment.Remove(name);
        }

        foreach (string name in SdkCredentials)
        {
            environment.Remove(name);
        }

        // Python buffers standard output into a pipe; the runtime wants the lines as they are written.
        environment["PYTHONUNBUFFERED"] = "1";
        foreach (var (name, value) in extra)
        {
            if (value is null)
            {
                environment.Remove(name);
            }
            else
            {
                environment[name] = value;
            }
        }

        string openAI = openAIBaseUrl.AbsoluteUri.TrimEnd('/');
        environment["OPENAI_BASE_URL"] = openAI;
        environment["OPENAI_API_BASE"] = openAI; // older SDKs and LangChain read this name
        environment["OPENAI_API_KEY"] = token;
        environment["ANTHROPIC_BASE_URL"] = anthropicBaseUrl.AbsoluteUri.TrimEnd('/');
        environment["ANTHROPIC_API_KEY"] = token;
        environment[AgentIdVariable] = agentId;
    }

    private static bool ContainsSecret(string? value, IReadOnlyList<string> secrets)
    {
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        foreach (string secret in secrets)
        {
            if (value.Contains(secret, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
