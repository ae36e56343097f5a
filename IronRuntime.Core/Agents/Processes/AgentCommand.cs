namespace IronRuntime.Agents.Processes;

/// <summary>What to execute for an agent file: the program, its arguments, the working directory and, optionally, the user it runs as.</summary>
internal sealed record AgentCommand(string FileName, IReadOnlyList<string> Arguments, string WorkingDirectory, AgentIdentity? Identity = null)
{
    /// <summary>
    /// Resolves <paramref name="path"/>: <c>.py</c> runs with Python, <c>.js</c>/<c>.mjs</c>/<c>.cjs</c> with Node,
    /// anything else as an executable, unless <see cref="ProcessAgentOptions.Interpreter"/> says otherwise.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file or the interpreter does not exist.</exception>
    /// <exception cref="DirectoryNotFoundException">The working directory does not exist.</exception>
    /// <exception cref="ArgumentException">The file is not executable and no interpreter applies, or the user or group does not exist.</exception>
    /// <exception cref="PlatformNotSupportedException">A user or group is set and this is not Linux.</exception>
    /// <exception cref="InvalidOperationException">A user is set and the host may not switch to it.</exception>
    public static AgentCommand Resolve(string path, ProcessAgentOptions options)
    {
        var identity = AgentIdentity.Resolve(options.User, options.Group);
        string file = Path.GetFullPath(path);
        if (!File.Exists(file))
        {
            throw new FileNotFoundException($"The agent file '{file}' does not exist.", file);
        }

        string workingDirectory = options.WorkingDirectory is { } configured ? Path.GetFullPath(configured) : Path.GetDirectoryName(file)!;
        if (!Directory.Exists(workingDirectory))
        {
            throw new DirectoryNotFoundException($"The working directory '{workingDirectory}' of agent file '{file}' does not exist.");
        }

        string? interpreter = options.Interpreter is { } named
            ? ExecutableLocator.Find(named) ?? throw new FileNotFoundException($"The interpreter '{named}' for agent file '{file}' was not found (as a path, or on PATH).", named)
            : DefaultInterpreter(file);
        if (interpreter is null)
        {
            if (!ExecutableLocator.IsExecutable(file))
            {
                throw new ArgumentException(
                    $"The agent file '{file}' is not executable. Make it executable, or set ProcessAgentOptions.Interpreter to the program that runs it.",
                    nameof(path));
            }

            return new AgentCommand(file, [.. options.Arguments], workingDirectory, identity);
        }

        return new AgentCommand(interpreter, [file, .. options.Arguments], workingDirectory, identity);
    }

    private static string? DefaultInterpreter(string file)
    {
        switch (Path.GetExtension(file).ToUpperInvariant())
        {
            case ".PY":
                return ExecutableLocator.Find("python3") ?? ExecutableLocator.Find("python")
                    ?? throw new FileNotFoundException(
                        $"No Python interpreter to run agent file '{file}': neither python3 nor python is on PATH. Install Python or set ProcessAgentOptions.Interpreter.",
                        "python3");
            case ".JS" or ".MJS" or ".CJS":
                return ExecutableLocator.Find("node")
                    ?? throw new FileNotFoundException(
                        $"No Node.js to run agent file '{file}': node is not on PATH. Install Node.js or set ProcessAgentOptions.Interpreter.",
                        "node");
            default:
                return null;
        }
    }
}
