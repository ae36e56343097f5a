using System.Text;
using System.Text.Json;
using IronRuntime.Router.Internal;

namespace IronRuntime.Tests.Internal;

/// <summary>The per-thread string cache gives exactly what <see cref="Utf8JsonReader.GetString"/> gives, whatever came before.</summary>
public sealed class JsonStringCacheTests
{
    [Test]
    public void GetString_SameBytesAgain_IsTheSameStringInstance()
    {
        string first = Read("\"gpt-4o-mini-2024-07-18\"");
        string second = Read("\"gpt-4o-mini-2024-07-18\"");

        Assert.Multiple(() =>
        {
            Assert.That(second, Is.EqualTo("gpt-4o-mini-2024-07-18"));
            Assert.That(second, Is.SameAs(first));
        });
    }

    [Test]
    public void GetString_ManyValuesInTurn_EachIsItsOwnText()
    {
        // More distinct values than the cache keeps, read in turns: a stale or shifted entry would return another model's name.
        string[] models = ["gpt-4o", "gpt-4o-mini", "o3", "o4-mini", "claude-sonnet-4-5", "claude-haiku-4-5", "gpt-4.1", "gpt-4o-"];
        for (int round = 0; round < 3; round++)
        {
            foreach (string model in models)
            {
                Assert.That(Read("\"" + model + "\""), Is.EqualTo(model));
            }

            foreach (string model in models.Reverse())
            {
                Assert.That(Read("\"" + model + "\""), Is.EqualTo(model));
            }
        }
    }

    [TestCase("\"gpt\\u002d4o\"", "gpt-4o")]
    [TestCase("\"caf\u00e9\"", "caf\u00e9")]
    [TestCase("\"\"", "")]
    [TestCase("\"a-model-name-that-is-longer-than-the-sixty-four-bytes-the-cache-keeps-at-most\"", "a-model-name-that-is-longer-than-the-sixty-four-bytes-the-cache-keeps-at-most")]
    public void GetString_EscapedUnicodeEmptyOrLong_IsWhatGetStringGives(string json, string expected)
    {
        Assert.Multiple(() =>
        {
            Assert.That(Read(json), Is.EqualTo(expected));
            Assert.That(Read(json), Is.EqualTo(expected), "the second read (a hit when cached)");
        });
    }

    [Test]
    public void GetString_AfterAnEscapedValue_ThePlainSpellingIsNotConfusedWithIt()
    {
        // "gpt\u002d4o" and "gpt-4o" are the same text with different bytes; "gpt\u002d4p" differs in text.
        Assert.Multiple(() =>
        {
            Assert.That(Read("\"gpt\\u002d4o\""), Is.EqualTo("gpt-4o"));
            Assert.That(Read("\"gpt-4p\""), Is.EqualTo("gpt-4p"));
            Assert.That(Read("\"gpt-4o\""), Is.EqualTo("gpt-4o"));
        });
    }

    private static string Read(string json)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        reader.Read();
        return JsonStringCache.GetString(ref reader);
    }
}
