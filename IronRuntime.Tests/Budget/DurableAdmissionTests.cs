using System.Net;
using System.Text;
using System.Text.Json;
using IronRuntime.State;
using IronRuntime.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace IronRuntime.Tests.Budget;

/// <summary>
/// A call is admitted only once its reservation is durable: when the SQLite store cannot record it (here: the store
/// is already closed), the call is not sent, nothing stays reserved and the agent gets a provider-shaped 503.
/// </summary>
public sealed class DurableAdmissionTests
{
    private const string Body = """{"model":"gpt-4o-mini","max_tokens":100,"messages":[{"role":"user","content":"Hello"}]}""";
    private string _dir = null!;

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("ironruntime-durable-admission-").FullName;

    [TearDown]
    public void TearDown()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Test]
    public async Task StoreClosed_CallIsNotSent_Is503InOpenAIShape_AndNothingStaysReserved()
    {
        // Two requests a minute (fake time: the minute never ends): a refused call must give its request back.
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 10, 0, 5, TimeSpan.Zero));
        await using var h = await RuntimeHarness.StartAsync(b =>
        {
            b.Services.AddSingleton<TimeProvider>(time);
            b.WithBudget(1m).WithRateLimits(o => o.RequestsPerMinute = 2).UseSqliteState(Path.Combine(_dir, "state.db"));
        });
        using var http = h.Runtime.CreateHttpClient("a1");
        using (var first = await http.PostAsync("/v1/chat/completions", new StringContent(Body, Encoding.UTF8, "application/json")))
        {
            Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the store works before it is closed");
        }

        decimal spent = h.Runtime.GetBudget().Spent;
        var store = (IAsyncDisposable)h.Runtime.Services!.GetRequiredService<IRuntimeStateStore>();
        await store.DisposeAsync();

        using var response = await http.PostAsync("/v1/chat/completions", new StringContent(Body, Encoding.UTF8, "application/json"));
        using var again = await http.PostAsync("/v1/chat/completions", new StringContent(Body, Encoding.UTF8, "application/json"));
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = doc.RootElement.GetProperty("error");

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(error.GetProperty("type").GetString(), Is.EqualTo("iron_runtime_state_unavailable"));
            Assert.That(error.GetProperty("code").GetString(), Is.EqualTo("state_unavailable"));
            Assert.That(error.GetProperty("message").GetString(), Does.Contain("nothing was charged"));
            Assert.That(h.Fake.ArrivedCount, Is.EqualTo(1), "only the first call reached the provider");
            Assert.That(h.Runtime.GetBudget().Reserved, Is.Zero, "the refused call's reservation is given back");
            Assert.That(h.Runtime.GetBudget().Spent, Is.EqualTo(spent), "and nothing is charged for it");
            Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), "nor is its request counted: the next is not refused for rate");
        });
    }
}
