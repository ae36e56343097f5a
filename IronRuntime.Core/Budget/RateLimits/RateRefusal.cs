using System.Globalization;

namespace IronRuntime.Budget.RateLimits;

/// <summary>Why a call was refused for rate: which limit (<c>requests</c> or <c>tokens</c>), whose, and when to retry.</summary>
/// <param name="Limit"><c>requests</c> or <c>tokens</c> (OpenAI's error <c>type</c> for the two limits).</param>
/// <param name="AgentId">The agent whose limit binds, or null for the global one.</param>
/// <param name="PerMinute">The limit.</param>
/// <param name="Requested">What the call counts: 1 request, or its tokens.</param>
/// <param name="RetryAfter">The wait until a window admits the call; null when none ever can (more tokens than a minute holds).</param>
internal sealed record RateRefusal(string Limit, string? AgentId, long PerMinute, long Requested, TimeSpan? RetryAfter)
{
    /// <summary>The <c>type</c> of a refusal of the requests limit.</summary>
    public const string Requests = "requests";

    /// <summary>The <c>type</c> of a refusal of the tokens limit.</summary>
    public const string Tokens = "tokens";

    /// <summary>The message shown to the agent.</summary>
    public string Message
    {
        get
        {
            string who = AgentId is null ? "the global rate limit" : $"the rate limit of agent '{AgentId}'";
            if (RetryAfter is not { } wait)
            {
                return string.Create(CultureInfo.InvariantCulture,
                    $"IronRuntime refused this call: it counts {Requested} {Limit} (input bound + output limit), more than {who} of {PerMinute} {Limit} per minute allows; lower the output limit or the prompt.");
            }

            long seconds = Math.Max(1L, (long)Math.Ceiling(wait.TotalSeconds));
            return Limit == Requests
                ? string.Create(CultureInfo.InvariantCulture, $"IronRuntime rate limit reached: {who} of {PerMinute} requests per minute is used up. Retry after {seconds} s.")
                : string.Create(CultureInfo.InvariantCulture,
                    $"IronRuntime rate limit reached: this call counts {Requested} tokens (input bound + output limit) and {who} of {PerMinute} tokens per minute has not that many left. Retry after {seconds} s.");
        }
    }
}
