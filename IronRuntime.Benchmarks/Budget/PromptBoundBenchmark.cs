using System.Text;
using BenchmarkDotNet.Attributes;
using IronRuntime.Router;
using IronRuntime.Router.Requests;

namespace IronRuntime.Benchmarks.Budget;

/// <summary>
/// The two prompt bounds for a chat request of <see cref="PromptKilobytes"/> KB of English text: the byte bound,
/// which is the strict read of the body the router does anyway (baseline), and the tokenized bound (o200k_base plus
/// the cookbook's framing) that runs only when the byte bound does not fit the budget.
/// </summary>
[MemoryDiagnoser]
public class PromptBoundBenchmark
{
    private byte[] _body = [];

    [Params(1, 16)]
    public int PromptKilobytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var text = new StringBuilder();
        while (text.Length < PromptKilobytes * 1024)
        {
            text.Append("The quarterly report shows revenue grew in every region, while costs stayed flat. ");
        }

        _body = Encoding.UTF8.GetBytes($$"""{"model":"gpt-4o-mini","max_tokens":200,"messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"{{text}}"}]}""");
        PromptTokenCounter.Count(_body, LlmApi.ChatCompletions, "gpt-4o-mini"); // load the vocabulary outside the measurement
    }

    [Benchmark(Baseline = true)]
    public long ByteBound() => LlmRequestReader.TryRead(_body, LlmApi.ChatCompletions, out _, out _) ? _body.Length + 64L : -1;

    [Benchmark]
    public long TokenizedBound() => PromptTokenCounter.Count(_body, LlmApi.ChatCompletions, "gpt-4o-mini") ?? -1;
}
