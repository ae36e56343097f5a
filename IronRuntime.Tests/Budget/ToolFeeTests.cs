using System.Net;
using System.Text;
using System.Text.Json;
using IronRuntime.Router;
using IronRuntime.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace IronRuntime.Tests.Budget;

/// <summary>
/// Tools the provider runs and bills per use (issue #8): reserved at their use limit × price and charged per billed
/// item of the answer. Every expected figure is written by hand from the providers' published prices (OpenAI
/// "Built-in tools", read 2026-11-26: web search $10 / 1k calls, web_search_preview $25 / 1k on gpt-4o / gpt-4.1 and
/// $10 / 1k on gpt-5 / o-series, file search $2.50 / 1k calls, code interpreter $0.03 per container, gpt-image-1
/// images $0.011 low 1024x1024 … $0.25 high 1024x1536; Anthropic code execution $0.05 per container-hour) and the
/// shipped token prices (gpt-4.1 $2 / $8 per 1M; gpt-5-mini $0.25 / $2; claude-sonnet-4-5 $3 / $15).
/// </summary>
public sealed class ToolFeeTests
{
    private const string ResponsesUrl = "https://api.openai.com/v1/responses";
    private const string MessagesUrl = RuntimeHarness.AnthropicBaseUrl + "/v1/messages";

    private const string BuiltInTools = """
        [{"type":"web_search_preview","search_context_size":"medium"},{"type":"file_search","vector_store_ids":["vs_tides"]},
         {"type":"code_interpreter","container":{"type":"auto"}},{"type":"image_generation","size":"auto","quality":"auto"}]
        """;

    // The recordings responses.gpt-4.1.*built-in-tools*: 3000 input, 500 output tokens; 1 web_search_call,
    // 2 file_search_call, 2 code_interpreter_call in one container, images high 1024x1536 and low 1024x1024.
    //   tokens   3000 × $2/1M + 500 × $8/1M        = 0.006 + 0.004 = 0.010
    //   search   1 × $0.025 (preview, gpt-4.1)     = 0.025
    //   files    2 × $0.0025                       = 0.005
    //   code     1 container × $0.03               = 0.030
    //   images   $0.25 + $0.011                    = 0.261
    //   total                                      = 0.331
    private const decimal RecordedBill = 0.331m;

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static string ResponsesBody(int maxToolCalls, bool stream = false)
        => "{\"model\":\"gpt-4.1\",\"input\":\"When is high water? Chart it.\",\"max_output_tokens\":1000,\"max_tool_calls\":" + maxToolCalls
           + (stream ? ",\"stream\":true" : string.Empty) + ",\"tools\":" + BuiltInTools + "}";

    [TestCase("responses.gpt-4.1.built-in-tools.json", false)]
    [TestCase("responses.gpt-4.1.stream-built-in-tools.sse", true)]
    public async Task BuiltInTools_AreChargedPerBilledItem(string recording, bool stream)
    {
        await using var h = await RuntimeHarness.StartAsync(b => b.WithBudget(5m).Configure(c => c.UnboundedCostAllowance = 0m));
        h.Fake.ReplayNext(1, recording);
        using var http = h.Runtime.CreateHttpClient("tooler");

        using var response = await http.PostAsync(ResponsesUrl, Json(ResponsesBody(10, stream)));
        _ = await response.Content.ReadAsByteArrayAsync();
        await Eventually.UntilAsync(() => h.Runtime.GetMetrics("tooler").Requests == 1);

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(h.Runtime.GetBudget().Spent, Is.EqualTo(RecordedBill));
            Assert.That(h.Runtime.GetBudget().Reserved, Is.Zero);
        });
    }

    [Test]
    public async Task BuiltInTools_AreReservedAtTheirUseLimitTimesTheirDearestPrice()
    {
        // max_tool_calls 10 caps every tool at 10 uses: 10 × ($0.025 + $0.0025 + $0.03 + $0.25 dearest image) = $3.075
        // of fees alone, more than a $3 budget; with max_tool_calls 1 the fees are $0.3075 and the call fits.
        await using var h = await RuntimeHarness.StartAsync(b => b.WithBudget(3m).Configure(c => c.UnboundedCostAllowance = 0m));
        h.Fake.ReplayNext(1, "responses.gpt-4.1.built-in-tools.json");
        using var http = h.Runtime.CreateHttpClient("tooler");

        using var refused = await http.PostAsync(ResponsesUrl, Json(ResponsesBody(10)));
        Assert.Multiple(() =>
        {
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.PaymentRequired));
            Assert.That(h.Fake.ArrivedCount, Is.Zero);
        });

        using var admitted = await http.PostAsync(ResponsesUrl, Json(ResponsesBody(1)));
        Assert.That(admitted.StatusCode, Is.EqualTo(HttpStatusCode.OK), await admitted.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task UserToolPrices_FromConfiguration_WinOverTheDefaults()
    {
        // file search at $0.004 and the high 1024x1536 image at $0.30 instead of the defaults:
        // 0.331 - 2 × 0.0025 + 2 × 0.004 - 0.25 + 0.30 = 0.384.
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Pricing:ToolPrices:file_search"] = "0.004",
            ["Pricing:ToolPrices:image_generation.high.1024x1536"] = "0.30",
        }).Build();
        await using var h = await RuntimeHarness.StartAsync(b => b.BindConfiguration(config).WithBudget(5m).Configure(c => c.UnboundedCostAllowance = 0m));
        h.Fake.ReplayNext(1, "responses.gpt-4.1.built-in-tools.json");
        using var http = h.Runtime.CreateHttpClient("tooler");

        using var response = await http.PostAsync(ResponsesUrl, Json(ResponsesBody(10)));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(h.Runtime.GetBudget().Spent, Is.EqualTo(0.384m));
    }

    [TestCase("web_search", "gpt-4.1", 1000, 500, "0.01")]          // $10 / 1k on every model
    [TestCase("web_search_preview", "gpt-5-mini", 1000, 500, "0.01")] // reasoning model: $10 / 1k
    [TestCase("web_search_preview", "gpt-4.1", 1000, 500, "0.025")]  // non-reasoning model: $25 / 1k
    public async Task ResponsesWebSearch_IsChargedPerCallAtItsModelFamilysPrice(string tool, string model, long input, long output, string perCallText)
    {
        decimal perCall = decimal.Parse(perCallText, System.Globalization.CultureInfo.InvariantCulture);
        // gpt-4.1: $2 / $8 per 1M; gpt-5-mini: $0.25 / $2 per 1M. Two searches reported as web_search_call items.
        decimal tokens = model == "gpt-4.1" ? (input * 2m / 1_000_000m) + (output * 8m / 1_000_000m) : (input * 0.25m / 1_000_000m) + (output * 2m / 1_000_000m);
        await using var h = await RuntimeHarness.StartAsync(b => b.WithBudget(1m).Configure(c => c.UnboundedCostAllowance = 0m));
        h.Fake.Usage = new TokenUsage(input, output, ServerToolUses: 2);
        using var http = h.Runtime.CreateHttpClient("searcher");

        using var response = await http.PostAsync(ResponsesUrl, Json("{\"model\":\"" + model + "\",\"input\":\"tides\",\"max_output_tokens\":600,\"max_tool_calls\":3,\"tools\":[{\"type\":\"" + tool + "\"}]}"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        Assert.That(h.Runtime.GetBudget().Spent, Is.EqualTo(tokens + (2 * perCall)));
    }

    [Test]
    public async Task AnthropicCodeExecution_IsChargedOneContainerHourPerAnsweredCall()
    {
        // 1000 × $3/1M + 100 × $15/1M + one container-hour at $0.05 = 0.003 + 0.0015 + 0.05 = 0.0545.
        const string body = """{"model":"claude-sonnet-4-5","max_tokens":100,"messages":[{"role":"user","content":"mean of 1..10?"}],"tools":[{"type":"code_execution_20250825","name":"code_execution","max_uses":2}]}""";
        await using var h = await RuntimeHarness.StartAsync(b => b.WithBudget(1m).Configure(c => c.UnboundedCostAllowance = 0m));
        h.Fake.Usage = new TokenUsage(1000, 100);
        using var http = h.Runtime.CreateHttpClient("coder");

        using var response = await http.PostAsync(MessagesUrl, Json(body));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        Assert.That(h.Runtime.GetBudget().Spent, Is.EqualTo(0.0545m));
    }

    [Test]
    public async Task ToolWithoutAPrice_IsRefusedEvenWithTheAllowance_UntilOneIsSet()
    {
        const string body = """{"model":"gpt-4.1","input":"hi","max_output_tokens":16,"max_tool_calls":1,"tools":[{"type":"function","name":"f","parameters":{}},{"type":"deep_research_preview"}]}""";
        await using (var h = await RuntimeHarness.StartAsync(b => b.WithBudget(1m).Configure(c => c.UnboundedCostAllowance = 0.5m)))
        {
            using var http = h.Runtime.CreateHttpClient("novel");
            using var response = await http.PostAsync(ResponsesUrl, Json(body));
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var error = doc.RootElement.GetProperty("error");
            Assert.Multiple(() =>
            {
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
                Assert.That(error.GetProperty("type").GetString(), Is.EqualTo("iron_runtime_unbounded_cost"));
                Assert.That(error.GetProperty("param").GetString(), Is.EqualTo("tools[1]"));
                Assert.That(error.GetProperty("message").GetString(), Does.Contain("Pricing:ToolPrices:deep_research_preview"));
                Assert.That(h.Fake.ArrivedCount, Is.Zero);
            });
        }

        await using (var h = await RuntimeHarness.StartAsync(b => b.WithBudget(1m).SetToolPrice("deep_research_preview", 0.2m).Configure(c => c.UnboundedCostAllowance = 0.5m)))
        {
            using var http = h.Runtime.CreateHttpClient("novel");
            using var response = await http.PostAsync(ResponsesUrl, Json(body));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        }
    }
}
