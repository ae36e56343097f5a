using System.Text;
using IronRuntime.Agents.Processes;

namespace IronRuntime.Tests.Agents.Processes;

public sealed class OutputLineReaderTests
{
    [TestCase(1)]
    [TestCase(3)]
    [TestCase(1024)]
    public async Task ReadLinesAsync_AnyReadSizes_SplitsOnLfAndCrLf_KeepsEmptyLinesAndTheLastUnterminatedOne(int readSize)
    {
        var lines = await ReadAsync("one\r\ntwo\n\nthree café 🚀\nlast", readSize);

        Assert.That(lines, Is.EqualTo(new[] { "one", "two", string.Empty, "three café 🚀", "last" }));
    }

    [Test]
    public async Task ReadLinesAsync_LineLongerThanTheBuffer_ComesInPiecesOfTheBufferSize()
    {
        var lines = await ReadAsync(new string('a', 10) + "\nb\n", 4, maxLineBytes: 4);

        Assert.That(lines, Is.EqualTo(new[] { "aaaa", "aaaa", "aa", "b" }));
    }

    [Test]
    public async Task ReadLinesAsync_EmptyStream_NoLines()
    {
        Assert.That(await ReadAsync(string.Empty, 16), Is.Empty);
    }

    private static async Task<List<string>> ReadAsync(string text, int readSize, int maxLineBytes = OutputLineReader.MaxLineBytes)
    {
        var lines = new List<string>();
        await OutputLineReader.ReadLinesAsync(new TrickleStream(Encoding.UTF8.GetBytes(text), readSize), lines.Add, maxLineBytes);
        return lines;
    }

    /// <summary>Hands out at most <c>readSize</c> bytes per read, like a pipe written in small pieces.</summary>
    private sealed class TrickleStream(byte[] data, int readSize) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
            => base.ReadAsync(buffer[..Math.Min(buffer.Length, readSize)], cancellationToken);
    }
}
