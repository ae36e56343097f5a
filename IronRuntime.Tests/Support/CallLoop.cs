namespace IronRuntime.Tests.Support;

/// <summary>Runs the same call many times, a few at a time, and collects what went wrong (race and stall loops).</summary>
public static class CallLoop
{
    /// <summary>
    /// Runs <paramref name="call"/> <paramref name="count"/> times, <paramref name="parallel"/> at a time; each result is
    /// judged by <paramref name="check"/> (null: fine, else the problem), each exception is a problem too.
    /// </summary>
    public static async Task<List<string>> RunAsync<T>(int count, int parallel, Func<Task<T>> call, Func<T, string?> check)
    {
        var failures = new List<string>();
        int next = -1;
        async Task Worker()
        {
            while (Interlocked.Increment(ref next) < count)
            {
                string? problem;
                try
                {
                    problem = check(await call());
                }
                catch (Exception ex)
                {
                    problem = ex.GetType().Name + ": " + ex.Message + (ex.InnerException is { } inner ? " <- " + inner.GetType().Name + ": " + inner.Message : string.Empty);
                }

                if (problem is not null)
                {
                    lock (failures)
                    {
                        failures.Add(problem);
                    }
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, parallel).Select(_ => Task.Run(Worker)));
        return failures;
    }
}
