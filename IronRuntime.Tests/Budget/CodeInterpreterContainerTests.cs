using System.Net;
using System.Text;
using System.Text.Json;
using IronRuntime.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace IronRuntime.Tests.Budget;

/// <summary>
/// OpenAI code interpreter containers by memory size (issue #8): reserved and charged at the price of the
/// <c>container.memory_limit</c> the request names. Expected figures are written by hand from OpenAI's "Built-in tools"
/// prices (read 2026-11-26: code interpreter $0.03 per 1 GB container, 4 GB $0.12, 16 GB $0.48, 64 GB $1.92) and the
/// shipped gpt-4.1 token prices ($2 / $8 per 1M), as in <see cref="ToolFeeTests"/>.
/// </summary>
public sealed class CodeInterpreterContainerTests
{
    private const string ResponsesUrl = "https://api.openai.com/v1/responses";

    // The recording responses.gpt-4.1.built-in-tools.json: 3000 input, 500 output tokens; 1 web_search_call,
    // 2 file_search_call, 2 code_interpreter_call in one container, images high 1024x1536 and low 1024x1024.
    // Everything but the container: tokens 0.010 + search 0.025 + files 0.005 + images 0.261 = 0.301.
    private const decimal RecordedBillButTheContainer = 0.301m;

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static string BuiltInTools(string container) => """
        [{"type":"web_search_preview","search_context_size":"medium"},{"type":"file_search","vector_store_ids":["vs_tides"]},
         {"type":"code_interpreter","container":
        """ + container + """
        },{"type":"image_generation","size":"auto","quality":"auto"}]
        """;

    private static string RecordedRequest(string container)
        => """{"model":"gpt-4.1","input":"When is high water? Chart it.","max_output_tokens":1000,"max_tool_calls":10,"tools":"""
           + BuiltInTools(container) + "}";

    private static string CodeOnlyRequest(string container)
        => """{"model":"gpt-4.1","input":"mean of 1..10?","max_output_tokens":100,"max_tool_calls":1,"tools":[{"type":"code_interpreter","container":"""
           + container + "}]}";

    [TestCase("""{"type":"auto","memory_limit":"64g"}""", "1.92")]
    [TestCase("""{"type":"auto","memory_limit":"16g"}""", "0.48")]
    [TestCase("""{"type":"auto","memory_limit":"4g"}""", "0.12")]
    [TestCase("""{"type":"auto","memory_limit":"1g"}""", "0.03")]
    [TestCase("""{"type":"auto"}""", "0.03")]
    [TestCase("\"cntr_6a1b2c3d4e5f\"", "1.92")] // an existing container's id: its size is unknown, so the dearest
    public async Task Container_IsChargedAtThePriceOfTheMemoryLimitTheRequestNamed(string container, string priceText)
    {
        decimal price = decimal.Parse(priceText, System.Globalization.CultureInfo.InvariantCulture);
        await using var h = await RuntimeHarness.StartAsync(b => b.WithBudget(50m).Configure(c => c.UnboundedCostAllowance = 0m));
        h.Fake.ReplayNext(1, "responses.gpt-4.1.built-in-tools.json");
        using var http = h.Runtime.CreateHttpClient("coder");

        using var response = await http.PostAsync(ResponsesUrl, Json(RecordedRequest(container)));
        _ = await response.Content.ReadAsByteArrayAsync();
        await Eventually.UntilAsync(() => h.Runtime.GetMetrics("coder").Requests == 1);

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(h.Runtime.GetBudget().Spent, Is.EqualTo(RecordedBillButTheContainer + price));
            Assert.That(h.Runtime.GetBudget().Reserved, Is.Zero);
        });
    }

    // One tool call at most: the reservation holds one container at its size's price plus a few tenths of a cent of
    // tokens (100 output tokens × $8/1M = $0.0008 and a short prompt), so a budget just under the container's price
    // refuses the call and one a few cents over admits it.
    [TestCase("""{"type":"auto","memory_limit":"64g"}""", "1.90", false)]
    [TestCase("""{"type":"auto","memory_limit":"64g"}""", "1.95", true)]
    [TestCase("""{"type":"auto","memory_limit":"16g"}""", "0.47", false)]
    [TestCase("""{"type":"auto","memory_limit":"16g"}""", "0.50", true)]
    [TestCase("""{"type":"auto","memory_limit":"4g"}""", "0.11", false)]
    [TestCase("""{"type":"auto","memory_limit":"4g"}""", "0.15", true)]
    [TestCase("""{"type":"auto"}""", "0.02", false)]
    [TestCase("""{"type":"auto"}""", "0.05", true)]
    [TestCase("\"cntr_abc\"", "1.90", false)]
    [TestCase("\"cntr_abc\"", "1.95", true)]
    public async Task Container_IsReservedAtThePriceOfItsMemoryLimit(string container, string budgetText, bool admitted)
    {
        decimal budget = decimal.Parse(budgetText, System.Globalization.CultureInfo.InvariantCulture);
        await using var h = await RuntimeHarness.StartAsync(b => b.WithBudget(budget).Configure(c => c.UnboundedCostAllowance = 0m));
        using var http = h.Runtime.CreateHttpClient("coder");

        using var response = await http.PostAsync(ResponsesUrl, Json(CodeOnlyRequest(container)));
        string text = await response.Content.ReadAsStringAsync();

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(admitted ? HttpStatusCode.OK : HttpStatusCode.PaymentRequired), text);
            Assert.That(h.Fake.ArrivedCount, Is.EqualTo(admitted ? 1 : 0));
        });
    }

    [TestCase("128g")]
    [TestCase("lots")]
    public async Task UnknownMemoryLimit_IsRefusedNamingIt_UntilItHasAPrice(string limit)
    {
        string body = CodeOnlyRequest("{\"type\":\"auto\",\"memory_limit\":\"" + limit + "\"}");
        await using var h = await RuntimeHarness.StartAsync(b => b.WithBudget(10m).Configure(c => c.UnboundedCostAllowance = 0.5m));
        using var http = h.Runtime.CreateHttpClient("coder");

        using var response = await http.PostAsync(ResponsesUrl, Json(body));
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = doc.RootElement.GetProperty("error");
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(error.GetProperty("type").GetString(), Is.EqualTo("iron_runtime_unbounded_cost"));
            Assert.That(error.GetProperty("code").GetString(), Is.EqualTo("unbounded_cost"));
            Assert.That(error.GetProperty("param").GetString(), Is.EqualTo("tools[0].container.memory_limit"));
            Assert.That(error.GetProperty("message").GetString(), Does.Contain("code_interpreter." + limit));
            Assert.That(h.Fake.ArrivedCount, Is.Zero);
        });
    }

    [Test]
    public async Task NewMemoryLimit_WithAUserPrice_IsChargedAtIt()
    {
        // A size OpenAI might add, priced by the user: 0.301 + 3.84 = 4.141.
        await using var h = await RuntimeHarness.StartAsync(b => b.WithBudget(50m).SetToolPrice("code_interpreter.128g", 3.84m).Configure(c => c.UnboundedCostAllowance = 0m));
        h.Fake.ReplayNext(1, "responses.gpt-4.1.built-in-tools.json");
        using var http = h.Runtime.CreateHttpClient("coder");

        using var response = await http.PostAsync(ResponsesUrl, Json(RecordedRequest("""{"type":"auto","memory_limit":"128g"}""")));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        Assert.That(h.Runtime.GetBudget().Spent, Is.EqualTo(4.141m));
    }

    [Test]
    public async Task ContainerPrice_FromConfiguration_WinsOverTheDefault()
    {
        // 64 GB containers at $1.50 instead of $1.92: 0.301 + 1.50 = 1.801.
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Pricing:ToolPrices:code_interpreter.64g"] = "1.50",
        }).Build();
        await using var h = await RuntimeHarness.StartAsync(b => b.BindConfiguration(config).WithBudget(50m).Configure(c => c.UnboundedCostAllowance = 0m));
        h.Fake.ReplayNext(1, "responses.gpt-4.1.built-in-tools.json");
        using var http = h.Runtime.CreateHttpClient("coder");

        using var response = await http.PostAsync(ResponsesUrl, Json(RecordedRequest("""{"type":"auto","memory_limit":"64g"}""")));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        Assert.That(h.Runtime.GetBudget().Spent, Is.EqualTo(1.801m));
    }
}
