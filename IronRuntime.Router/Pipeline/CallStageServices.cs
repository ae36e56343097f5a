using Microsoft.Extensions.Logging;

namespace IronRuntime.Router.Pipeline;

/// <summary>What every <see cref="CallStage"/> of one router shares: who ends the calls it answers, and where it logs.</summary>
/// <param name="Completion">Ends the calls a stage answers itself.</param>
/// <param name="Logger">The router's logger.</param>
internal sealed record CallStageServices(ILlmCallCompletion Completion, ILogger Logger);
