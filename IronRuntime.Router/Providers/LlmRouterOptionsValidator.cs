using Microsoft.Extensions.Options;

namespace IronRuntime.Router.Providers;

/// <summary>The <c>[Range]</c> rules of <see cref="LlmRouterOptions"/> and its proxy options, generated at compile time.</summary>
[OptionsValidator]
internal sealed partial class LlmRouterOptionsValidator : IValidateOptions<LlmRouterOptions>;
