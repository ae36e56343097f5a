using System.Text;
using System.Text.RegularExpressions;
using IronRuntime.Pii;

namespace IronRuntime.Tests.Pii;

/// <summary>Precision and recall per entity type over the labeled corpus; each must be at least 0.98.</summary>
public sealed partial class PiiAccuracyTests
{
    private const double Required = 0.98;

    [Test]
    public void Corpus_EveryEntityType_PrecisionAndRecallAtLeast098()
        => AssertPrecisionAndRecall(PiiCorpus.Lines.Concat(PiiMultilingualCorpus.Lines));

    /// <summary>The held-out corpus, generated independently of the detectors (<see cref="PiiHeldOutCorpus"/>).</summary>
    [Test]
    public void HeldOutCorpus_EveryEntityType_PrecisionAndRecallAtLeast098()
        => AssertPrecisionAndRecall(PiiHeldOutCorpus.Lines);

    private static void AssertPrecisionAndRecall(IEnumerable<string> lines)
    {
        var truePositives = new Dictionary<string, int>();
        var falsePositives = new Dictionary<string, int>();
        var falseNegatives = new Dictionary<string, int>();
        var mistakes = new List<string>();
        foreach (string line in lines)
        {
            var (text, expected) = Unlabel(line);
            var found = PiiTestEngine.Find(text);
            foreach (var hit in found)
            {
                if (expected.Remove(hit))
                {
                    Increment(truePositives, hit.Type);
                }
                else
                {
                    Increment(falsePositives, hit.Type);
                    mistakes.Add($"false positive {hit.Type} '{hit.Value}' in: {text}");
                }
            }

            foreach (var missed in expected)
            {
                Increment(falseNegatives, missed.Type);
                mistakes.Add($"missed {missed.Type} '{missed.Value}' in: {text}");
            }
        }

        var table = new StringBuilder("| Entity type | TP | FP | FN | Precision | Recall |\n| --- | ---: | ---: | ---: | ---: | ---: |\n");
        var failures = new List<string>();
        foreach (string type in PiiEntityTypes.All)
        {
            int tp = truePositives.GetValueOrDefault(type);
            int fp = falsePositives.GetValueOrDefault(type);
            int fn = falseNegatives.GetValueOrDefault(type);
            double precision = tp + fp == 0 ? 1 : (double)tp / (tp + fp);
            double recall = tp + fn == 0 ? 1 : (double)tp / (tp + fn);
            table.Append(System.Globalization.CultureInfo.InvariantCulture, $"| {type} | {tp} | {fp} | {fn} | {precision:0.000} | {recall:0.000} |\n");
            if (tp == 0 || precision < Required || recall < Required)
            {
                failures.Add(type);
            }
        }

        TestContext.Out.WriteLine(table.ToString());
        Assert.That(failures, Is.Empty, table + string.Join("\n", mistakes));
    }

    private static (string Text, List<(string Type, string Value)> Expected) Unlabel(string line)
    {
        var expected = new List<(string, string)>();
        string text = Label().Replace(line, m =>
        {
            expected.Add((m.Groups[1].Value, m.Groups[2].Value));
            return m.Groups[2].Value;
        });
        return (text, expected);
    }

    private static void Increment(Dictionary<string, int> counts, string type) => counts[type] = counts.GetValueOrDefault(type) + 1;

    [GeneratedRegex(@"\{\{([A-Z_]+)\|(.*?)\}\}", RegexOptions.Singleline)]
    private static partial Regex Label();
}
