using IronRuntime.Router;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Compliance.Redaction;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IronRuntime.Pii.Internal;

/// <summary>Registers the PII subsystem's defaults, each replaceable (<c>TryAdd</c>).</summary>
internal static class PiiServices
{
    public static void Add(IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton<IOptions<PiiOptions>>(sp => Options.Create(sp.GetRequiredService<IOptions<RuntimeConfig>>().Value.Pii));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RuntimeConfig>, PiiOptionsValidator>());
        services.TryAddSingleton<IPiiEngine>(sp => new PiiEngine(sp.GetRequiredService<IOptions<PiiOptions>>().Value, sp.GetServices<PiiCustomDetector>()));
        services.TryAddSingleton<InMemoryPiiAuditSink>();
        services.TryAddSingleton<IPiiAuditSink>(sp => sp.GetRequiredService<InMemoryPiiAuditSink>());
        services.TryAddSingleton<IPiiAuditLog>(sp => sp.GetRequiredService<InMemoryPiiAuditSink>());
        services.TryAddSingleton<PiiMetrics>();
        services.TryAddSingleton<ILlmContentFilter, PiiContentFilter>();
        services.TryAddSingleton<IPiiScanner>(sp =>
        {
            PiiOptions options = sp.GetRequiredService<IOptions<PiiOptions>>().Value;
            var auditor = new PiiAuditor(options, sp.GetRequiredService<IPiiAuditSink>(), sp.GetRequiredService<PiiMetrics>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger("IronRuntime.Pii"));
            return new DefaultPiiScanner(options, sp.GetRequiredService<IPiiEngine>(), new PiiReplacer(options, sp.GetService<IRedactorProvider>()), auditor);
        });
    }
}
