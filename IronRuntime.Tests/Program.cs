using IronRuntime.Tests.Proxy;

namespace IronRuntime.Tests;

/// <summary>
/// The test assembly's entry point (instead of the test SDK's empty one): the test runner does not use it; tests that
/// must measure a fresh process start this assembly with a probe's name (<c>dotnet IronRuntime.Tests.dll probe ...</c>).
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args) => args switch
    {
        [RequestBodyMemoryProbe.Name, .. var rest] => await RequestBodyMemoryProbe.RunAsync(rest),
        _ => 0,
    };
}
