using System.Text;
using System.Text.RegularExpressions;

namespace IronRuntime.Tests.Samples;

/// <summary>
/// One <c>```csharp</c> block of the repository's documentation (README.md, docs/*.md).
/// </summary>
/// <remarks>
/// The convention the documentation follows (<see cref="DocSnippetCompiler"/> compiles every block):
/// <list type="bullet">
/// <item>A block whose first code line is a <c>using</c> directive (<c>using X;</c>, <c>using static X;</c>,
/// <c>using A = X;</c> — not <c>using var</c>) is a <b>program</b>: top-level statements compiled as a console
/// application with the implicit usings of <c>dotnet new console</c>, exactly what a reader would paste into
/// <c>Program.cs</c>.</item>
/// <item>Any other block is a <b>fragment</b>: compiled as the body of an <c>async Task</c> method, with the usings and
/// the few names of <see cref="DocSnippetCompiler.FragmentPreamble"/> in scope (<c>runtime</c>, <c>services</c>,
/// <c>configuration</c>, <c>app</c>, <c>cancellationToken</c>).</item>
/// <item>C# that is deliberately not meant to compile (pseudo-code, an excerpt of a larger type) uses another fence tag,
/// for example <c>```cs</c> or <c>```text</c>; only blocks tagged exactly <c>csharp</c> (or <c>c#</c>) are compiled.</item>
/// </list>
/// </remarks>
/// <param name="File">The file, relative to the repository root.</param>
/// <param name="Line">The line of the block's first code line (1-based).</param>
/// <param name="Code">The block's text.</param>
public sealed partial record DocSnippet(string File, int Line, string Code)
{
    /// <summary>Whether the block is a whole program (see the remarks).</summary>
    public bool IsProgram
    {
        get
        {
            foreach (string raw in Code.Split('\n'))
            {
                string line = raw.Trim();
                if (line.Length == 0 || line.StartsWith("//", StringComparison.Ordinal))
                {
                    continue;
                }

                return UsingDirective().IsMatch(line);
            }

            return false;
        }
    }

    /// <summary>A name for test output: <c>README.md:25</c>.</summary>
    public override string ToString() => $"{File}:{Line}";

    /// <summary>Every <c>```csharp</c> block of <paramref name="markdown"/>.</summary>
    public static IEnumerable<DocSnippet> Extract(string file, string markdown)
    {
        string[] lines = markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string fence = lines[i].TrimStart();
            if (!fence.StartsWith("```", StringComparison.Ordinal))
            {
                continue;
            }

            string tag = fence[3..].Trim();
            var code = new StringBuilder();
            int start = i + 1;
            for (i++; i < lines.Length && !lines[i].TrimStart().StartsWith("```", StringComparison.Ordinal); i++)
            {
                code.Append(lines[i]).Append('\n');
            }

            if (tag is "csharp" or "c#" or "C#")
            {
                yield return new DocSnippet(file, start + 1, code.ToString());
            }
        }
    }

    [GeneratedRegex(@"^using\s+(static\s+)?([A-Za-z_][\w.]*\s*=\s*)?[A-Za-z_][\w.<>,\s]*;")]
    private static partial Regex UsingDirective();
}
