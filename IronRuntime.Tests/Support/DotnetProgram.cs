using System.Diagnostics;

namespace IronRuntime.Tests.Support;

/// <summary>Runs a built .NET program (<c>dotnet program.dll</c>) as a new user would: no provider key in its environment.</summary>
internal static class DotnetProgram
{
    /// <summary>Runs <paramref name="dll"/> to its end (at most <paramref name="timeout"/>); returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunWithoutKeysAsync(string dll, TimeSpan timeout)
    {
        var start = new ProcessStartInfo("dotnet", [dll])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        start.Environment.Remove("OPENAI_API_KEY");
        start.Environment.Remove("ANTHROPIC_API_KEY");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
