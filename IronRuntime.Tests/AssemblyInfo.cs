[assembly: Parallelizable(ParallelScope.Fixtures)]
[assembly: NUnit.Framework.Timeout(120_000)]
