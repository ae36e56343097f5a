using Microsoft.Extensions.Options;

namespace IronRuntime.Budget.RateLimits;

/// <summary>The <c>[Range]</c> rules of <see cref="RateLimitOptions"/>, generated at compile time.</summary>
[OptionsValidator]
internal sealed partial class RateLimitOptionsValidator : IValidateOptions<RateLimitOptions>;
