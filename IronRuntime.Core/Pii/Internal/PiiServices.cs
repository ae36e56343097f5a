using IronRuntime.Router;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
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
    }
}
