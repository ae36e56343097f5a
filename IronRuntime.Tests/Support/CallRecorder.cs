using System.Collections.Concurrent;
using IronRuntime.Router;
using Microsoft.Extensions.DependencyInjection;

namespace IronRuntime.Tests.Support;

/// <summary>An <see cref="ILlmCallObserver"/> that keeps every completed call, for assertions on outcomes and usage.</summary>
public sealed class CallRecorder : ILlmCallObserver
{
    private readonly ConcurrentQueue<LlmCall> _calls = new();

    public IReadOnlyList<LlmCall> Calls => [.. _calls];

    /// <summary>Registers a new recorder as an observer of the runtime being built.</summary>
    public static CallRecorder AddTo(IronRuntimeBuilder builder)
    {
        var recorder = new CallRecorder();
        builder.Services.AddSingleton<ILlmCallObserver>(recorder);
        return recorder;
    }

    public void OnCallCompleted(LlmCall call) => _calls.Enqueue(call);
}
