using IronRuntime.Router;
using Microsoft.Extensions.Compliance.Redaction;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IronRuntime.Pii.Internal;

/// <summary>The router's content filter for PII: scanners over the <see cref="IPiiEngine"/> in the configured mode per direction.</summary>
internal sealed class PiiContentFilter : ILlmContentFilter
{
    private readonly PiiOptions _options;
    private readonly IPiiEngine _engine;
    private readonly PiiReplacer _replacer;
    private readonly PiiAuditor _auditor;

    public PiiContentFilter(IOptions<PiiOptions> options, IPiiEngine engine, IPiiAuditSink sink, PiiMetrics metrics, TimeProvider time, ILoggerFactory loggers, IServiceProvider services)
    {
        _options = options.Value;
        _engine = engine;
        _replacer = new PiiReplacer(_options, services.GetService<IRedactorProvider>());
        _auditor = new PiiAuditor(_options, sink, metrics, time, loggers.CreateLogger("IronRuntime.Pii"));
    }

    public bool IsEnabled(LlmCall call, LlmContentDirection direction) => ModeOf(direction) != PiiMode.Off;

    public bool FailClosed(LlmCall call, LlmContentDirection direction) => _options.FailClosed && ModeOf(direction) is PiiMode.Redact or PiiMode.Block;

    public ILlmTextScanner CreateScanner(LlmCall call, LlmContentDirection direction, bool repeatsScannedText)
    {
        ArgumentNullException.ThrowIfNull(call);
        PiiMode mode = ModeOf(direction);
        return new PiiTextScanner(_engine, _replacer, repeatsScannedText ? null : _auditor, call.CallerId, direction, mode, _options.MaxHoldBackBytes);
    }

    private PiiMode ModeOf(LlmContentDirection direction) => direction == LlmContentDirection.Request ? _options.RequestMode : _options.ResponseMode;
}
