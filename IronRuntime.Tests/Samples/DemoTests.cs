using IronRuntime.Tests.Support;

namespace IronRuntime.Tests.Samples;

/// <summary>The README's first command: the demo runs agents against the simulated provider and exits 0.</summary>
public sealed class DemoTests
{
    [Test]
    public async Task Demo_WithoutProviderKeys_RunsAgentsShowsARefusalAndExitsZero()
    {
        // The test assembly lives in IronRuntime.Tests/bin/<Configuration>/net10.0/; the demo is built by the solution.
        var testBin = new DirectoryInfo(AppContext.BaseDirectory);
        string configuration = testBin.Parent!.Name;
        string root = testBin.Parent!.Parent!.Parent!.Parent!.FullName;
        string demo = Path.Combine(root, "samples", "IronRuntime.Demo", "bin", configuration, "net10.0", "IronRuntime.Demo.dll");
        Assert.That(File.Exists(demo), Is.True, $"the demo is built with the tests ({demo})");

        var (exitCode, output, stderr) = await DotnetProgram.RunWithoutKeysAsync(demo, TimeSpan.FromSeconds(60));

        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.EqualTo(0), output + stderr);
            Assert.That(output, Does.Contain("simulated provider"));
            Assert.That(output, Does.Contain("refused with 402"));
            Assert.That(output, Does.Contain("[writer]").And.Contain("[analyst]").And.Contain("[spender]"));
            Assert.That(output, Does.Match(@"writer\s+Exited"));
            Assert.That(output, Does.Contain("[researcher] my API key is an IronRuntime token: True"), "the child process got a token, not a key");
            Assert.That(output, Does.Match(@"researcher\s+Exited\s+1\s"));
        });
    }
}
