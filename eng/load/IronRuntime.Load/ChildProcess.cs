using System.Diagnostics;

namespace IronRuntime.Load;

/// <summary>
/// A process of this tool (<c>fake</c> or <c>host</c>) started by the driver, optionally under
/// <c>prlimit --nofile=N:N</c> (prlimit execs the command, so the process id is the tool's).
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ChildProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public StreamReader Output => _process.StandardOutput;

    public static ChildProcess Start(IEnumerable<string> toolArguments, int openFileLimit = 0)
    {
        string self = typeof(ChildProcess).Assembly.Location;
        var info = new ProcessStartInfo
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (openFileLimit > 0)
        {
            info.FileName = "prlimit";
            info.ArgumentList.Add($"--nofile={openFileLimit}:{openFileLimit}");
            info.ArgumentList.Add("dotnet");
        }
        else
        {
            info.FileName = "dotnet";
        }

        info.ArgumentList.Add(self);
        foreach (string argument in toolArguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start " + self);
        string name = toolArguments.First();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Console.Error.WriteLine($"[{name} {process.Id}] {e.Data}");
            }
        };
        process.BeginErrorReadLine();
        return new ChildProcess(process);
    }

    /// <summary>Reads lines until one starts with <paramref name="prefix"/>; returns the rest of it.</summary>
    public async Task<string> ReadUntilAsync(string prefix, CancellationToken cancellationToken)
    {
        while (await _process.StandardOutput.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                return line[prefix.Length..];
            }
        }

        throw new InvalidOperationException($"the child process ended before printing '{prefix}'");
    }

    /// <summary>Resident set size in bytes, from <c>/proc/&lt;pid&gt;/status</c>.</summary>
    public long ResidentBytes() => Rss.Of(_process.Id);

    /// <summary>Sends one line to the child's standard input (the host answers <c>HEAP</c> with a <c>HEAP …</c> line).</summary>
    public async Task SendAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (Exception) when (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (Exception)
        {
        }

        _process.Dispose();
    }
}
