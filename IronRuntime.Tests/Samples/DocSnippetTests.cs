using IronRuntime.Tests.Support;

namespace IronRuntime.Tests.Samples;

/// <summary>
/// Documentation that cannot rot: every <c>```csharp</c> block of README.md and docs/*.md compiles against the libraries
/// (programs as programs, fragments as method bodies; the convention is on <see cref="DocSnippet"/>), and the README's
/// quick start runs to completion as written.
/// </summary>
public sealed class DocSnippetTests
{
    private static readonly string Root = FindRoot();

    public static IEnumerable<TestCaseData> Snippets()
    {
        var files = new List<string> { Path.Combine(Root, "README.md") };
        files.AddRange(Directory.GetFiles(Path.Combine(Root, "docs"), "*.md").Order(StringComparer.Ordinal));
        foreach (string file in files)
        {
            string relative = Path.GetRelativePath(Root, file).Replace('\\', '/');
            foreach (var snippet in DocSnippet.Extract(relative, File.ReadAllText(file)))
            {
                yield return new TestCaseData(snippet).SetArgDisplayNames(snippet.ToString());
            }
        }
    }

    [TestCaseSource(nameof(Snippets))]
    public void Snippet_Compiles(DocSnippet snippet)
    {
        var compilation = DocSnippetCompiler.Compile(snippet);

        Assert.That(DocSnippetCompiler.Errors(compilation), Is.Empty, $"{snippet} ({(snippet.IsProgram ? "program" : "fragment")})");
    }

    [Test]
    public void Snippets_IncludeTheQuickStartAsAProgram()
    {
        var quickStart = QuickStart();

        Assert.Multiple(() =>
        {
            Assert.That(Snippets().Count(), Is.GreaterThanOrEqualTo(3));
            Assert.That(quickStart.IsProgram, Is.True);
            Assert.That(quickStart.Code, Does.Contain("StartAgentAsync"));
        });
    }

    [Test]
    public void Compile_QuickStartWithoutItsDependencyInjectionUsing_FailsAsTheIssueReported()
    {
        // The compiler is the test's only judge: it must reject what a reader's compiler rejects (issue #16: CS0246).
        var quickStart = QuickStart();
        var broken = quickStart with { Code = quickStart.Code.Replace("using Microsoft.Extensions.DependencyInjection;\n", "", StringComparison.Ordinal) };
        Assume.That(broken.Code, Is.Not.EqualTo(quickStart.Code));

        string errors = DocSnippetCompiler.Errors(DocSnippetCompiler.Compile(broken));

        Assert.That(errors, Does.Contain("CS0246").And.Contain("ServiceCollection").And.Contain("README.md("));
    }

    [Test]
    public void Compile_FragmentUsingAnUnknownName_Fails()
    {
        var fragment = new DocSnippet("docs/x.md", 3, "var agent = await runtime.StartAgentAsync(ctx => Task.CompletedTask);\nagent.NoSuchMember();\n");

        string errors = DocSnippetCompiler.Errors(DocSnippetCompiler.Compile(fragment));

        Assert.Multiple(() =>
        {
            Assert.That(fragment.IsProgram, Is.False);
            Assert.That(errors, Does.Contain("CS1061").And.Contain("docs/x.md(4,"));
        });
    }

    [Test]
    public async Task QuickStart_AsWrittenWithoutAKey_RunsToCompletionAgainstTheSimulatedProvider()
    {
        var compilation = DocSnippetCompiler.Compile(QuickStart());
        string bin = AppContext.BaseDirectory;
        string name = "readme-quickstart-" + Guid.NewGuid().ToString("N")[..8];
        string dll = Path.Combine(bin, name + ".dll");
        string runtimeConfig = Path.Combine(bin, name + ".runtimeconfig.json");
        try
        {
            // Emitted next to the test assembly so that it finds IronRuntime and the SDKs there (app-local probing);
            // the test host's runtimeconfig names the same frameworks a reader's console project would use.
            Microsoft.CodeAnalysis.Emit.EmitResult emit;
            using (var file = File.Create(dll))
            {
                emit = compilation.Emit(file);
            }

            Assert.That(emit.Success, Is.True, string.Join('\n', emit.Diagnostics));
            File.Copy(Path.Combine(bin, "IronRuntime.Tests.runtimeconfig.json"), runtimeConfig);

            var (exitCode, stdout, stderr) = await DotnetProgram.RunWithoutKeysAsync(dll, TimeSpan.FromSeconds(120));
            string output = stdout + stderr;

            Assert.Multiple(() =>
            {
                Assert.That(exitCode, Is.EqualTo(0), output);
                Assert.That(output, Does.Match(@"agent \S+: Exited\b"), output);
                Assert.That(output, Does.Match(@"spent \$0\.0*[1-9]\d*, [1-9]\d* in / [1-9]\d* out tokens"), output);
            });
        }
        finally
        {
            File.Delete(dll);
            File.Delete(runtimeConfig);
            File.Delete(Path.ChangeExtension(dll, ".pdb"));
        }
    }

    private static DocSnippet QuickStart()
    {
        string readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        int heading = readme.IndexOf("## Quick start", StringComparison.Ordinal);
        Assert.That(heading, Is.GreaterThanOrEqualTo(0), "README.md has a Quick start");
        int line = readme.AsSpan(0, heading).Count('\n') + 1;
        return DocSnippet.Extract("README.md", readme).First(s => s.Line > line);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "IronRuntime.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("IronRuntime.sln not found above " + AppContext.BaseDirectory);
    }
}
