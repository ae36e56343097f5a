using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using IronRuntime.Pii;
using IronRuntime.Pii.Internal;
using IronRuntime.Router;

namespace IronRuntime.Benchmarks.Pii;

/// <summary>
/// Streaming: the time a redacting scanner adds per text delta (word-sized deltas, as models stream) on PII-free prose
/// and on prose with values; the setup prints the median number of bytes held back after each delta on PII-free prose.
/// </summary>
[MemoryDiagnoser]
public class PiiStreamingBenchmark
{
    private const int Deltas = 2000;

    private readonly ArrayBufferWriter<byte> _output = new(4096);
    private PiiEngine _engine = null!;
    private PiiReplacer _replacer = null!;
    private byte[][] _deltas = null!;

    /// <summary>Which text.</summary>
    [Params("clean", "dense")]
    public string Text { get; set; } = "clean";

    [GlobalSetup]
    public void Setup()
    {
        var options = new PiiOptions();
        _engine = new PiiEngine(options, []);
        _replacer = new PiiReplacer(options, null);
        string text = Text == "clean" ? PiiText.Clean(64 * 1024) : PiiText.Dense(64 * 1024);
        _deltas = [.. Split(text).Take(Deltas).Select(Encoding.UTF8.GetBytes)];

        using var scanner = NewScanner();
        var held = new List<int>();
        foreach (byte[] delta in _deltas)
        {
            _output.ResetWrittenCount();
            scanner.Scan(delta, false, _output);
            held.Add(scanner.HeldBytes);
        }

        held.Sort();
        Console.WriteLine($"// {Text}: {_deltas.Length} deltas, held back after a delta: median {held[held.Count / 2]} bytes, p90 {held[held.Count * 9 / 10]}, max {held[^1]}");
    }

    /// <summary>Scans every delta of the stream with one scanner; the time per delta is the mean divided by the delta count.</summary>
    [Benchmark(OperationsPerInvoke = Deltas)]
    public int ScanDeltas()
    {
        using var scanner = NewScanner();
        int written = 0;
        foreach (byte[] delta in _deltas)
        {
            _output.ResetWrittenCount();
            if (scanner.Scan(delta, false, _output) == LlmTextScanStatus.Rewritten)
            {
                written += _output.WrittenCount;
            }
        }

        return written;
    }

    private PiiTextScanner NewScanner() => new(_engine, _replacer, null, "bench", LlmContentDirection.Response, PiiMode.Redact, 16 * 1024);

    private static IEnumerable<string> Split(string text)
    {
        int start = 0;
        for (int i = 1; i < text.Length; i++)
        {
            if (text[i] == ' ' && text[i - 1] != ' ')
            {
                yield return text[start..i];
                start = i;
            }
        }
    }
}
