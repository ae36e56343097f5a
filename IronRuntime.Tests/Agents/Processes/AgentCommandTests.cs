using System.Runtime.Versioning;
using IronRuntime.Agents;
using IronRuntime.Agents.Processes;

namespace IronRuntime.Tests.Agents.Processes;

[Platform("Linux")]
[SupportedOSPlatform("linux")]
public sealed class AgentCommandTests
{
    private string _directory = null!;

    [SetUp]
    public void SetUp()
    {
        _directory = Path.Combine(Path.GetTempPath(), "iron-command-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_directory, recursive: true);

    [TestCase("agent.py", "python")]
    [TestCase("agent.js", "node")]
    [TestCase("agent.mjs", "node")]
    [TestCase("agent.cjs", "node")]
    [TestCase("AGENT.PY", "python")]
    public void Resolve_ScriptByExtension_RunsWithItsInterpreterFromPath(string name, string interpreter)
    {
        string file = Touch(name);
        var options = new ProcessAgentOptions { Arguments = { "--x", "y z" } };

        var command = AgentCommand.Resolve(file, options);

        Assert.Multiple(() =>
        {
            Assert.That(Path.GetFileName(command.FileName), Does.StartWith(interpreter));
            Assert.That(Path.IsPathFullyQualified(command.FileName), Is.True);
            Assert.That(command.Arguments, Is.EqualTo(new[] { file, "--x", "y z" }));
            Assert.That(command.WorkingDirectory, Is.EqualTo(_directory));
        });
    }

    [Test]
    public void Resolve_InterpreterOption_WinsOverTheExtension()
    {
        string file = Touch("agent.py");

        var command = AgentCommand.Resolve(file, new ProcessAgentOptions { Interpreter = "sh", WorkingDirectory = "/" });

        Assert.That((Path.GetFileName(command.FileName), command.WorkingDirectory), Is.EqualTo(("sh", "/")));
    }

    [Test]
    public void Resolve_ExecutableFile_RunsItself()
    {
        string file = Touch("agent", UnixFileMode.UserRead | UnixFileMode.UserExecute);

        var command = AgentCommand.Resolve(file, new ProcessAgentOptions { Arguments = { "a" } });

        Assert.That((command.FileName, command.Arguments), Is.EqualTo((file, new[] { "a" })));
    }

    [Test]
    public void Resolve_MissingWorkingDirectory_Throws()
    {
        string file = Touch("agent.py");

        Assert.That(() => AgentCommand.Resolve(file, new ProcessAgentOptions { WorkingDirectory = Path.Combine(_directory, "nope") }),
            Throws.TypeOf<DirectoryNotFoundException>());
    }

    [Test]
    public void Resolve_RelativePath_IsMadeAbsolute()
    {
        string file = Touch("agent.py");
        string relative = Path.GetRelativePath(Environment.CurrentDirectory, file);

        Assert.That(AgentCommand.Resolve(relative, new ProcessAgentOptions()).Arguments[0], Is.EqualTo(file));
    }

    private string Touch(string name, UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.UserWrite)
    {
        string path = Path.Combine(_directory, name);
        File.WriteAllText(path, string.Empty);
        File.SetUnixFileMode(path, mode);
        return path;
    }
}
