using Microsoft.Extensions.Options;

namespace IronRuntime.Configuration;

/// <summary>
/// The <c>[Range]</c> / <c>[Required]</c> rules written on <see cref="RuntimeConfig"/> and, through
/// <c>[ValidateObjectMembers]</c>, on its nested options (router, proxy, state, PII, resilience); generated at compile
/// time. Each rule lives once, as its attribute; <see cref="RuntimeConfigValidator"/> adds the cross-field rules.
/// </summary>
[OptionsValidator]
internal sealed partial class RuntimeConfigAnnotationsValidator : IValidateOptions<RuntimeConfig>;
