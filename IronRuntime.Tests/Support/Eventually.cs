namespace IronRuntime.Tests.Support;

/// <summary>Waits for a condition that another thread or process makes true, without a fixed sleep.</summary>
public static class Eventually
{
    /// <summary>Completes once <paramref name="condition"/> holds; fails the test after <paramref name="timeout"/> (default 10 s).</summary>
    public static async Task UntilAsync(Func<bool> condition, TimeSpan? timeout = null, string? because = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        while (!condition())
        {
            try
            {
                await Task.Delay(5, cts.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail("Timed out waiting" + (because is null ? "." : ": " + because));
            }
        }
    }
}
