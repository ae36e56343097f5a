using System.Text;
using System.Threading.Channels;
using IronRuntime.Budget;
using IronRuntime.Budget.RateLimits;
using IronRuntime.Router;
using IronRuntime.State;
using Microsoft.Extensions.Time.Testing;

namespace IronRuntime.Tests.Budget;

/// <summary>
/// The gate never resumes on its caller's <see cref="SynchronizationContext"/>: a library that did would deadlock an
/// app that blocks on the call under a UI or legacy ASP.NET context, or serialise its calls through that context. Each
/// case enters the gate under a context that records every <see cref="SynchronizationContext.Post"/>, with one step
/// really asynchronous — the rate limits (Redis), the reservation or the snapshots of a shared ledger (Redis), the
/// durable reservation (SQLite group commit) — and every step before it completing at once, as they do in process, so
/// that the gate is still on the caller's thread, under its context, when it awaits that step.
/// </summary>
public sealed class BudgetGateContextTests
{
    /// <param name="model">m-unknown: the unpriced path (no budget); m-long: the priced one.</param>
    /// <param name="limit">The global budget: $0.0001 affords neither call at its input bound, but affords gpt-4o-mini's counted prompt.</param>
    /// <param name="asyncStep">The step that completes later: rate, reserve#1, reserve#2, snapshot or durable.</param>
    [TestCase("m-unknown", null, "rate")]
    [TestCase("m-unknown", null, "reserve#1")]
    [TestCase("m-unknown", null, "durable")]
    [TestCase("m-long", "10", "rate")]
    [TestCase("m-long", "10", "reserve#1")]
    [TestCase("m-long", "10", "durable")]
    [TestCase("gpt-4o-mini", "0.0001", "reserve#2")]
    [TestCase("m-long", "0.0001", "snapshot")]
    public async Task Enter_OneStepCompletesLater_TheGateNeverPostsToTheCallersContext(string model, string? limit, string asyncStep)
    {
        var steps = new Steps(asyncStep);
        var ledger = new InMemoryBudgetLedger([], new FakeTimeProvider());
        ledger.SetLimit(null, limit is null ? null : decimal.Parse(limit, System.Globalization.CultureInfo.InvariantCulture));
        await using var gate = GateFixture.Create(limit: null, ledger: new SharedLedger(ledger, steps), rates: new Rates(steps), store: new Store(steps));
        var call = Call(model);
        var context = new RecordingContext();

        ValueTask<LlmGateDecision> entering;
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(context);
        try
        {
            entering = gate.Gate.EnterAsync(call, CancellationToken.None);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }

        var decision = await steps.DriveAsync(entering.AsTask());

        Assert.Multiple(() =>
        {
            Assert.That(steps.WentAsync, Is.True, $"the step '{asyncStep}' was reached and completed later");
            Assert.That(context.Posts, Is.Zero, "continuations posted to the caller's context");
            Assert.That(decision.IsAllowed, Is.EqualTo(asyncStep is not "snapshot"));
        });
    }

    /// <summary>
    /// A chat call of a1 whose input bound (10,000) is far above its prompt's tokens, so that a call refused at the
    /// bound is counted with the tokenizer and reserved again.
    /// </summary>
    private static LlmCall Call(string model)
    {
        var call = GateFixture.Call(model, maxOutputTokens: 10);
        call.InputTokenBound = 10_000;
        call.Body = Encoding.UTF8.GetBytes($$"""{"model":"{{model}}","max_tokens":10,"messages":[{"role":"user","content":"Hello"}]}""");
        return call;
    }

    /// <summary>The steps of one entry: the one named completes later, when <see cref="DriveAsync"/> completes it.</summary>
    private sealed class Steps(string asyncStep)
    {
        private readonly Channel<Action> _pending = Channel.CreateUnbounded<Action>();
        private int _reserves;

        public bool WentAsync { get; private set; }

        public ValueTask<T> Run<T>(string step, Func<T> result)
        {
            if (step == "reserve")
            {
                step = "reserve#" + Interlocked.Increment(ref _reserves);
            }

            if (step != asyncStep)
            {
                return ValueTask.FromResult(result());
            }

            // Completed from the test's own flow, outside the recording context: a continuation that does not ask for
            // the captured context runs right there; one that does is posted to it.
            WentAsync = true;
            var later = new TaskCompletionSource<T>();
            _pending.Writer.TryWrite(() => later.SetResult(result()));
            return new ValueTask<T>(later.Task);
        }

        public async Task<LlmGateDecision> DriveAsync(Task<LlmGateDecision> entering)
        {
            while (!entering.IsCompleted)
            {
                await Task.WhenAny(entering, _pending.Reader.WaitToReadAsync().AsTask()).WaitAsync(TimeSpan.FromSeconds(60));
                while (_pending.Reader.TryRead(out var complete))
                {
                    complete();
                }
            }

            return await entering;
        }
    }

    /// <summary>A shared ledger (as Redis is) over an in-memory one, whose asynchronous steps go through <see cref="Steps"/>.</summary>
    private sealed class SharedLedger(InMemoryBudgetLedger inner, Steps steps) : IBudgetLedger, IAsyncBudgetLedger
    {
        public event EventHandler<BudgetAlert>? ThresholdCrossed
        {
            add => inner.ThresholdCrossed += value;
            remove => inner.ThresholdCrossed -= value;
        }

        public ValueTask<(bool Reserved, BudgetReservation Reservation)> TryReserveAsync(string? agentId, decimal fixedCost, decimal unitCost, long minUnits, long maxUnits)
            => steps.Run("reserve", () => (inner.TryReserve(agentId, fixedCost, unitCost, minUnits, maxUnits, out var reservation), reservation));

        public ValueTask<BudgetSnapshot> GetSnapshotAsync(string? agentId) => steps.Run("snapshot", () => inner.GetSnapshot(agentId));

        public bool TryReserve(string? agentId, decimal fixedCost, decimal unitCost, long minUnits, long maxUnits, out BudgetReservation reservation)
            => inner.TryReserve(agentId, fixedCost, unitCost, minUnits, maxUnits, out reservation);

        public void Settle(in BudgetReservation reservation, decimal actualCost) => inner.Settle(reservation, actualCost);

        public void Charge(string? agentId, decimal amount) => inner.Charge(agentId, amount);

        public void SetLimit(string? agentId, decimal? limit) => inner.SetLimit(agentId, limit);

        public BudgetSnapshot GetSnapshot(string? agentId) => inner.GetSnapshot(agentId);

        public bool HasLimit(string? agentId) => inner.HasLimit(agentId);
    }

    /// <summary>Rate limits that admit every call, through <see cref="Steps"/>.</summary>
    private sealed class Rates(Steps steps) : IRateLimits
    {
        public bool IsActive => true;

        public ValueTask<RateAdmission> AdmitAsync(string? agentId, long tokens) => steps.Run("rate", () => RateAdmission.Admitted(new Ticket(tokens)));

        public void SetAgentLimits(string agentId, int? requestsPerMinute, long? tokensPerMinute) => throw new NotSupportedException();

        private sealed class Ticket(long tokens) : RateTicket(tokens)
        {
            protected override void Give(long requests, long tokens)
            {
            }
        }
    }

    /// <summary>A state store whose durable reservations go through <see cref="Steps"/>.</summary>
    private sealed class Store(Steps steps) : IRuntimeStateStore, IDurableReservations
    {
        private long _ids;

        public ValueTask<long> ReserveAsync(string? agentId, string model, decimal amount) => steps.Run("durable", () => Interlocked.Increment(ref _ids));

        public void Settle(long reservationId, CallRecord record) => throw new NotSupportedException();

        public void Release(long reservationId) => throw new NotSupportedException();

        public void Append(CallRecord record) => throw new NotSupportedException();

        public void AppendAudit(IronRuntime.Pii.PiiAuditEvent auditEvent) => throw new NotSupportedException();

        public void AppendAgentRun(IronRuntime.Agents.AgentRunRecord run) => throw new NotSupportedException();

        public StoredRuntimeState Load() => throw new NotSupportedException();

        public Task FlushAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;
    }

    /// <summary>Counts posts, and runs each on the thread pool so that the call still completes.</summary>
    private sealed class RecordingContext : SynchronizationContext
    {
        private int _posts;

        public int Posts => Volatile.Read(ref _posts);

        public override void Post(SendOrPostCallback d, object? state)
        {
            Interlocked.Increment(ref _posts);
            ThreadPool.QueueUserWorkItem(_ => d(state));
        }

        public override void Send(SendOrPostCallback d, object? state) => throw new NotSupportedException("the gate never sends to a context");
    }
}
