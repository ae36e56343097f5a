using System.Diagnostics;

namespace IronRuntime.Tests.Support;

/// <summary>The separate host process tests kill with SIGKILL (the IronRuntime.Tests.CrashHost project, built with the tests).</summary>
public static class CrashHost
{
    /// <summary>Starts the host with <paramref name="arguments"/> (see its Program.cs), its output redirected.</summary>
    public static Process Start(params string[] arguments)
    {
        var testBin = new DirectoryInfo(AppContext.BaseDirectory);
        string configuration = testBin.Parent!.Name;
        string testsDir = testBin.Parent!.Parent!.Parent!.FullName;
        string host = Path.Combine(testsDir, "CrashHost", "bin", configuration, "net10.0", "IronRuntime.Tests.CrashHost.dll");
        Assert.That(File.Exists(host), Is.True, $"the crash host is built with the tests ({host})");
        var start = new ProcessStartInfo("dotnet", [host, .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        return Process.Start(start)!;
    }
}
