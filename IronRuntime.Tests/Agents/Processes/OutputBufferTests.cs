using IronRuntime.Agents;
using IronRuntime.Agents.Processes;

namespace IronRuntime.Tests.Agents.Processes;

public sealed class OutputBufferTests
{
    [TestCase(0, new string[0])]
    [TestCase(2, new[] { "0", "1" })]
    [TestCase(3, new[] { "0", "1", "2" })]
    [TestCase(4, new[] { "1", "2", "3" })]
    [TestCase(10, new[] { "7", "8", "9" })]
    public void Snapshot_KeepsTheLatestLinesOldestFirst(int added, string[] expected)
    {
        var buffer = new OutputBuffer(3);
        for (int i = 0; i < added; i++)
        {
            buffer.Add(new AgentOutputLine(DateTimeOffset.UnixEpoch, false, i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        Assert.That(buffer.Snapshot().Select(l => l.Text), Is.EqualTo(expected));
    }
}
