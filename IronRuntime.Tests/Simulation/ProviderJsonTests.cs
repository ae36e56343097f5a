using System.Buffers;
using System.Text;
using System.Text.Json;
using IronRuntime.Router.Simulation;

namespace IronRuntime.Tests.Simulation;

[TestFixture]
public sealed class ProviderJsonTests
{
    private static string Write(string value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            ProviderJson.WriteString(writer, "v"u8, value);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [TestCase("é 中文 🚀 ’ <b>&", "é 中文 🚀 ’ <b>&")]
    [TestCase("quote \" backslash \\", "quote \\\" backslash \\\\")]
    [TestCase("line\nfeed\ttab\r\b\f", "line\\nfeed\\ttab\\r\\b\\f")]
    [TestCase("esc \u001b nul \0", "esc \\u001b nul \\u0000")]
    public void WriteString_Value_EscapesOnlyWhatProvidersEscape(string value, string expected)
    {
        Assert.That(Write(value), Is.EqualTo("{\"v\":\"" + expected + "\"}"));
    }

    [Test]
    public void WriteString_LongValue_RoundTrips()
    {
        string value = string.Concat(Enumerable.Repeat("中文🚀\"\n", 500));

        using JsonDocument json = JsonDocument.Parse(Write(value));

        Assert.That(json.RootElement.GetProperty("v").GetString(), Is.EqualTo(value));
    }

    [Test]
    public void WriteString_LoneSurrogate_BecomesReplacementCharacter()
    {
        Assert.That(Write("a\uD83Db"), Is.EqualTo("{\"v\":\"a\uFFFDb\"}"));
    }
}
