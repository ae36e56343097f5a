using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace IronRuntime.Tests.Samples;

/// <summary>
/// Compiles documentation blocks with Roslyn against the libraries as a reader's project would see them: every
/// assembly the test host trusts (the .NET and ASP.NET Core frameworks, IronRuntime.Core and .Router, the OpenAI and
/// Anthropic SDKs, Microsoft.Extensions.*). See <see cref="DocSnippet"/> for the program / fragment convention.
/// </summary>
internal static class DocSnippetCompiler
{
    /// <summary>The implicit usings of a <c>dotnet new console</c> project (<c>ImplicitUsings</c> enabled).</summary>
    public const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;

        """;

    /// <summary>
    /// What a fragment may take as given: these usings, and the parameters of the method it becomes the body of —
    /// <c>runtime</c> (a built <see cref="AgentRuntime"/>), <c>services</c> (the app's <c>IServiceCollection</c>),
    /// <c>configuration</c> (its <c>IConfiguration</c>), <c>app</c> (an ASP.NET Core <c>WebApplication</c>) and
    /// <c>cancellationToken</c>.
    /// </summary>
    public const string FragmentPreamble = """
        using System.ClientModel;
        using System.ClientModel.Primitives;
        using IronRuntime;
        using IronRuntime.Agents;
        using IronRuntime.Budget;
        using IronRuntime.Pii;
        using IronRuntime.Pricing;
        using IronRuntime.Resilience;
        using IronRuntime.Router;
        using IronRuntime.State;
        using Microsoft.AspNetCore.Builder;
        using Microsoft.Extensions.Compliance.Redaction;
        using Microsoft.Extensions.Configuration;
        using Microsoft.Extensions.DependencyInjection;
        using Microsoft.Extensions.Logging;
        using OpenAI;
        using OpenAI.Chat;

        internal static class DocFragment
        {
            internal static async Task RunAsync(AgentRuntime runtime, IServiceCollection services, IConfiguration configuration,
                WebApplication app, CancellationToken cancellationToken)
            {
                await Task.CompletedTask;

        """;

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(LoadReferences);

    /// <summary>Compiles <paramref name="snippet"/>; the result's diagnostics point at the Markdown file and line.</summary>
    public static CSharpCompilation Compile(DocSnippet snippet)
    {
        string location = $"#line {snippet.Line} \"{snippet.File}\"\n";
        string source = snippet.IsProgram
            ? location + snippet.Code
            : FragmentPreamble + location + snippet.Code + "\n#line default\n    }\n}\n";
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        SyntaxTree[] trees =
        [
            CSharpSyntaxTree.ParseText(ImplicitUsings, parse, path: "GlobalUsings.g.cs"),
            CSharpSyntaxTree.ParseText(source, parse, path: snippet.File),
        ];
        var options = new CSharpCompilationOptions(snippet.IsProgram ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary)
            .WithNullableContextOptions(NullableContextOptions.Enable)
            .WithOptimizationLevel(OptimizationLevel.Debug);
        string name = "DocSnippet_" + Path.GetFileNameWithoutExtension(snippet.File).Replace('.', '_') + "_" + snippet.Line;
        return CSharpCompilation.Create(name, trees, References.Value, options);
    }

    /// <summary>The errors of <paramref name="compilation"/>, one per line, or an empty string.</summary>
    public static string Errors(Compilation compilation)
        => string.Join('\n', compilation.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .Select(d => d.ToString()));

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        string trusted = (string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!;
        var paths = trusted.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).ToList();

        // The libraries the documentation is about, whether or not the host listed them.
        foreach (var type in new[] { typeof(AgentRuntime), typeof(Router.LlmRouter), typeof(OpenAI.OpenAIClient), typeof(Anthropic.AnthropicClient) })
        {
            paths.Add(type.Assembly.Location);
        }

        return [.. paths.Distinct(StringComparer.Ordinal)
            .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) && !IsTestAssembly(p))
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))];
    }

    // The test projects' own assemblies (and the test SDK's) are no part of what a reader references.
    private static bool IsTestAssembly(string path)
    {
        string file = Path.GetFileName(path);
        return file.StartsWith("IronRuntime.Tests", StringComparison.Ordinal)
               || file.StartsWith("nunit", StringComparison.OrdinalIgnoreCase)
               || file.StartsWith("Microsoft.TestPlatform", StringComparison.Ordinal)
               || file.StartsWith("testhost", StringComparison.OrdinalIgnoreCase);
    }
}
