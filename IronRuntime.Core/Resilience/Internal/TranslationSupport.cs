namespace IronRuntime.Resilience.Internal;

/// <summary>Whether failover may cross providers (translation between Chat Completions and Messages).</summary>
internal static class TranslationSupport
{
    public static bool IsAvailable => false;
}
