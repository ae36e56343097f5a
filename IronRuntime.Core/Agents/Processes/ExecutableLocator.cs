namespace IronRuntime.Agents.Processes;

/// <summary>Finds programs the way a shell does: a path as given, a bare name on <c>PATH</c> (with <c>PATHEXT</c> on Windows).</summary>
internal static class ExecutableLocator
{
    /// <summary>The full path of <paramref name="program"/>, or null when there is no such executable.</summary>
    public static string? Find(string program)
    {
        if (program.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal)
            || program.Contains(Path.AltDirectorySeparatorChar, StringComparison.Ordinal))
        {
            string full = Path.GetFullPath(program);
            return IsExecutable(full) ? full : null;
        }

        string[] extensions = OperatingSystem.IsWindows()
            ? ["", .. (Environment.GetEnvironmentVariable("PATHEXT") ?? ".EXE;.CMD;.BAT").Split(';', StringSplitOptions.RemoveEmptyEntries)]
            : [""];
        foreach (string directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (string extension in extensions)
            {
                string candidate = Path.Combine(directory, program + extension);
                if (IsExecutable(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    /// <summary>Whether <paramref name="path"/> is a file that may be executed (on Unix: has an execute bit).</summary>
    public static bool IsExecutable(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        if (OperatingSystem.IsWindows())
        {
            return true;
        }

        const UnixFileMode anyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        return (File.GetUnixFileMode(path) & anyExecute) != 0;
    }
}
