using BenchmarkDotNet.Running;
using IronRuntime.Benchmarks.Profiling;

if (args.Length > 0 && args[0] == "profile")
{
    return await ProfileLoop.RunAsync(args).ConfigureAwait(false);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
