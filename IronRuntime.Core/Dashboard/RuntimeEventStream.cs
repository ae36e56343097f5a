using System.Text.Json;
using System.Threading.Channels;
using IronRuntime.Agents;
using IronRuntime.Budget;
using IronRuntime.Pricing;
using IronRuntime.Resilience;
using IronRuntime.Router;

namespace IronRuntime.Dashboard;

/// <summary>
/// Fans runtime events (calls completed, agent status, budget alerts, provider state) out to dashboard subscribers
/// as UTF-8 JSON messages. Each subscriber has a bounded queue that drops its oldest messages when it falls behind,
/// so a slow dashboard never slows agents; with no subscriber, publishing costs one volatile read.
/// </summary>
internal sealed class RuntimeEventStream : ILlmCallObserver
{
    private const int SubscriberCapacity = 1024;

    private readonly IModelPricing _pricing;
    private readonly TimeProvider _timeProvider;
    private readonly Lock _lock = new();
    private Channel<byte[]>[] _subscribers = [];
    private int _attached;

    public RuntimeEventStream(IModelPricing pricing, TimeProvider timeProvider)
    {
        _pricing = pricing;
        _timeProvider = timeProvider;
    }

    /// <summary>Subscribes to the runtime's own events (once).</summary>
    public void Attach(AgentRuntime runtime)
    {
        if (Interlocked.Exchange(ref _attached, 1) == 1)
        {
            return;
        }

        runtime.AgentStatusChanged += (_, e) => Publish(w =>
        {
            w.WriteString("type"u8, "agent.status"u8);
            w.WriteString("agentId"u8, e.Agent.AgentId);
            w.WriteString("name"u8, e.Agent.Name);
            w.WriteString("status"u8, e.Status.ToString());
            if (e.Agent.ExitCode is { } code)
            {
                w.WriteNumber("exitCode"u8, code);
            }
        });
        runtime.BudgetAlert += (_, a) => Publish(w =>
        {
            w.WriteString("type"u8, "budget.alert"u8);
            WriteAgent(w, a.AgentId);
            w.WriteNumber("threshold"u8, a.Threshold);
            w.WriteNumber("spent"u8, a.Spent);
            w.WriteNumber("limit"u8, a.Limit);
        });
        runtime.ProviderStateChanged += (_, p) => Publish(w =>
        {
            w.WriteString("type"u8, "provider.state"u8);
            w.WriteString("endpoint"u8, p.Endpoint);
            w.WriteString("provider"u8, LlmTelemetry.ProviderName(p.Provider));
            w.WriteString("previousState"u8, p.PreviousState.ToString());
            w.WriteString("state"u8, p.State.ToString());
        });
    }

    /// <summary>A new subscriber's queue; dispose the returned handle to unsubscribe.</summary>
    public Subscription Subscribe()
    {
        var channel = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(SubscriberCapacity)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        lock (_lock)
        {
            _subscribers = [.. _subscribers, channel];
        }

        return new Subscription(this, channel);
    }

    public void OnCallCompleted(LlmCall call)
    {
        if (Volatile.Read(ref _subscribers).Length == 0)
        {
            return;
        }

        PublishCompleted(call);
    }

    /// <summary>Publishes a completed call (apart, so that the closure is made only when someone subscribes).</summary>
    private void PublishCompleted(LlmCall call)
    {
        decimal cost = Budget.CallCost.Of(call, _pricing);
        Publish(w =>
        {
            w.WriteString("type"u8, "call.completed"u8);
            WriteAgent(w, call.CallerId);
            w.WriteString("provider"u8, LlmTelemetry.ProviderName(call.Provider));
            w.WriteString("model"u8, call.Model);
            w.WriteString("outcome"u8, call.Outcome.ToString());
            w.WriteNumber("status"u8, call.StatusCode);
            w.WriteNumber("inputTokens"u8, call.Usage.InputTokens);
            w.WriteNumber("outputTokens"u8, call.Usage.OutputTokens);
            w.WriteBoolean("usageEstimated"u8, call.UsageEstimated);
            w.WriteNumber("cost"u8, cost);
            w.WriteNumber("durationMs"u8, Math.Round(call.Duration.TotalMilliseconds, 3));
        });
    }

    private static void WriteAgent(Utf8JsonWriter writer, string? agentId)
    {
        if (agentId is null)
        {
            writer.WriteNull("agentId"u8);
        }
        else
        {
            writer.WriteString("agentId"u8, agentId);
        }
    }

    private void Publish(Action<Utf8JsonWriter> write)
    {
        var subscribers = Volatile.Read(ref _subscribers);
        if (subscribers.Length == 0)
        {
            return;
        }

        using var buffer = new MemoryStream(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("timestamp"u8, _timeProvider.GetUtcNow());
            write(writer);
            writer.WriteEndObject();
        }

        byte[] message = buffer.ToArray();
        foreach (var subscriber in subscribers)
        {
            subscriber.Writer.TryWrite(message);
        }
    }

    private void Remove(Channel<byte[]> channel)
    {
        lock (_lock)
        {
            _subscribers = [.. _subscribers.Where(c => c != channel)];
        }

        channel.Writer.TryComplete();
    }

    /// <summary>One subscriber's queue of JSON messages.</summary>
    internal sealed class Subscription(RuntimeEventStream owner, Channel<byte[]> channel) : IDisposable
    {
        public ChannelReader<byte[]> Reader => channel.Reader;

        public void Dispose() => owner.Remove(channel);
    }
}
