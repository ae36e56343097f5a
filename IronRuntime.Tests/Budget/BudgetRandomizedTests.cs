using System.Collections.Concurrent;
using System.Net;
using System.Runtime.CompilerServices;
using IronRuntime.Budget;
using IronRuntime.Router;
using IronRuntime.Tests.Proxy;
using IronRuntime.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace IronRuntime.Tests.Budget;

/// <summary>
/// Issue #8's randomized test: 10,000 requests built from the members the runtime knows (duplicates, limit aliases,
/// n, service tiers, thinking, cache lifetimes, web search, images, streams, aborts), sent over raw HTTP through the
/// proxy under tight budgets — a global limit and, for most agents, a tight limit of their own — against the fake
/// provider billing through <see cref="IndependentBilling"/>.
/// </summary>
public sealed class BudgetRandomizedTests
{
    private const int Requests = 10_000, Agents = 16, Workers = 8, LimitedAgents = 12;
    private const decimal GlobalLimit = 5m;

    /// <summary>The limit of agent <paramref name="a"/>: $0.05 to $0.38 for the first twelve; none for the last four.</summary>
    private static decimal? AgentLimit(int a) => a < LimitedAgents ? 0.05m + (0.03m * a) : null;

    [Test]
    [CancelAfter(180_000)]
    public async Task TenThousandRandomRequests_SpendNeverExceedsALimit_AndEverySettledChargeIsTheProvidersBill()
    {
        var billing = new IndependentBilling(seed: 8);
        CallRecorder calls = null!;
        var markers = new ConditionalWeakTable<LlmCall, string>();
        await using var h = await RuntimeHarness.StartAsync(b =>
        {
            b.WithBudget(GlobalLimit).Configure(c => c.UnboundedCostAllowance = 0.01m);
            calls = CallRecorder.AddTo(b);
            b.Services.AddSingleton<ILlmRequestGate>(sp => new MarkerGate(ActivatorUtilities.CreateInstance<BudgetGate>(sp), markers));
        });
        h.Fake.Billing = billing.Bill;
        await h.Runtime.Proxy.StartAsync();
        string[] tokens = [.. Enumerable.Range(0, Agents).Select(i => h.Runtime.Proxy.IssueToken("r" + i))];
        for (int a = 0; a < Agents; a++)
        {
            h.Runtime.SetBudget("r" + a, AgentLimit(a));
        }

        var statuses = new ConcurrentDictionary<HttpStatusCode, int>();
        var aborted = new ConcurrentDictionary<string, bool>();
        int next = -1, wrongDuplicates = 0;

        async Task WorkAsync(int worker)
        {
            using var http = ProxyClient.Create(h.Runtime.Proxy);
            var random = new Random(worker);
            int i;
            while ((i = Interlocked.Increment(ref next)) < Requests)
            {
                var spec = RandomRequests.Next(random, i);
                using var request = spec.Path == "/v1/messages"
                    ? ProxyClient.PostMessages(tokens[i % Agents], spec.Body)
                    : ProxyClient.Post(spec.Path, spec.Body, tokens[i % Agents]);
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                statuses.AddOrUpdate(response.StatusCode, 1, static (_, n) => n + 1);
                if (spec.Duplicated && response.StatusCode != HttpStatusCode.BadRequest)
                {
                    Interlocked.Increment(ref wrongDuplicates);
                }

                var stream = await response.Content.ReadAsStreamAsync();
                if (spec.Abort && response.StatusCode == HttpStatusCode.OK)
                {
                    aborted[spec.Marker] = true;
                    _ = await stream.ReadAsync(new byte[64]); // a little of the stream, then gone
                    continue;
                }

                await stream.CopyToAsync(Stream.Null);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Workers).Select(WorkAsync));
        await Eventually.UntilAsync(() => h.Runtime.GetBudget().Reserved == 0m, TimeSpan.FromSeconds(30), "every call to settle");

        int compared = 0, mismatched = 0;
        string? firstMismatch = null;
        foreach (var call in calls.Calls)
        {
            string marker = markers.TryGetValue(call, out string? noted) ? noted : string.Empty;
            if (aborted.ContainsKey(marker) || !call.UsageReported || call.Lease is not BudgetLease { Cost: { } charged })
            {
                continue;
            }

            compared++;
            if (!billing.Bills.TryGetValue(marker, out decimal bill) || bill != charged)
            {
                mismatched++;
                firstMismatch ??= $"{marker} ({call.Api}, {call.Model}): charged {charged}, billed {bill}";
            }
        }

        var overReserved = calls.Calls.Where(c => c.Lease is BudgetLease { Cost: { } cost } lease && cost > lease.Reserved).ToList();
        foreach (var call in overReserved.Take(5))
        {
            var lease = (BudgetLease)call.Lease!;
            TestContext.Out.WriteLine($"over its reservation: charged {lease.Cost} > reserved {lease.Reserved}: {call.Usage}, estimated {call.UsageEstimated}, imposed {call.ImposedMaxOutputTokens}: {(markers.TryGetValue(call, out string? m) ? m : "?")}");
        }

        var global = h.Runtime.GetBudget();
        TestContext.Out.WriteLine($"statuses: {string.Join(", ", statuses.Select(s => $"{(int)s.Key}×{s.Value}"))}; compared {compared}; spent {global.Spent}");
        Assert.Multiple(() =>
        {
            Assert.That(statuses.Values.Sum(), Is.EqualTo(Requests));
            Assert.That(wrongDuplicates, Is.Zero, "every request with a duplicated member is refused");
            Assert.That(overReserved, Is.Empty, "no call is charged more than it reserved");
            Assert.That(global.Spent, Is.LessThanOrEqualTo(GlobalLimit));
            decimal limitedSpent = 0m, agentsSpent = 0m;
            for (int a = 0; a < Agents; a++)
            {
                var agent = h.Runtime.GetBudget("r" + a);
                Assert.That(agent.Limit, Is.EqualTo(AgentLimit(a)));
                Assert.That(agent.Spent, Is.LessThanOrEqualTo(AgentLimit(a) ?? GlobalLimit), "agent r" + a + " limit " + agent.Limit);
                Assert.That(agent.Reserved, Is.Zero, "agent r" + a + " has nothing left reserved");
                limitedSpent += a < LimitedAgents ? agent.Spent : 0m;
                agentsSpent += agent.Spent;
            }

            decimal limitsTotal = Enumerable.Range(0, LimitedAgents).Sum(a => AgentLimit(a)!.Value);
            Assert.That(limitedSpent, Is.GreaterThan(limitsTotal * 0.3m), "the agents' own limits were reached, not only the global one");
            Assert.That(agentsSpent, Is.EqualTo(global.Spent), "every charge is on an agent and on the global account");
            Assert.That(statuses.GetValueOrDefault(HttpStatusCode.OK), Is.GreaterThan(500), "enough calls were admitted to mean something");
            Assert.That(statuses.GetValueOrDefault(HttpStatusCode.PaymentRequired), Is.GreaterThan(500), "the budgets were tight");
            Assert.That(compared, Is.GreaterThan(500));
            Assert.That(mismatched, Is.Zero, firstMismatch);
        });
    }

    /// <summary>
    /// Notes each call's marker when the budget gate sees it, the request body in hand: a stream lets go of its body
    /// once the provider reported the prompt's tokens, so the body is not there to read after the call.
    /// </summary>
    private sealed class MarkerGate(ILlmRequestGate gate, ConditionalWeakTable<LlmCall, string> markers) : ILlmRequestGate
    {
        public ValueTask<LlmGateDecision> EnterAsync(LlmCall call, CancellationToken cancellationToken)
        {
            markers.AddOrUpdate(call, IndependentBilling.Marker(call.Body.Span));
            return gate.EnterAsync(call, cancellationToken);
        }
    }
}
