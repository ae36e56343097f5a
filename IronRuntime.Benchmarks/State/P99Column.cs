using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace IronRuntime.Benchmarks.State;

/// <summary>The 99th percentile of the iteration times (BenchmarkDotNet's predefined percentile columns stop at P95).</summary>
internal sealed class P99Column : IColumn
{
    public static readonly IColumn Instance = new P99Column();

    public string Id => nameof(P99Column);

    public string ColumnName => "P99";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Statistics;

    public int PriorityInCategory => 100;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Time;

    public string Legend => "Percentile 99: 99% of the iterations took at most this long";

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var statistics = summary[benchmarkCase]?.ResultStatistics;
        if (statistics is null)
        {
            return "NA";
        }

        double nanoseconds = statistics.Percentiles.Percentile(99);
        return (nanoseconds / 1_000_000d).ToString("N3", CultureInfo.InvariantCulture) + " ms";
    }

    public override string ToString() => ColumnName;
}
