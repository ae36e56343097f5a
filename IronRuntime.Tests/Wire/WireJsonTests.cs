using System.Text;
using System.Text.Json;
using IronRuntime.Router.Wire;

namespace IronRuntime.Tests.Wire;

/// <summary>The byte-level helpers shared by the wire shapes: event types, non-empty strings, whitespace, nulls.</summary>
public sealed class WireJsonTests
{
    [TestCase("""{"type":"message_start","message":{}}""", "message_start")]
    [TestCase("""{"type": "ping"}""", "ping")]
    [TestCase(""" { "type" : "ping" } """, "ping")]
    [TestCase("""{"index":0,"delta":{"type":"text_delta","text":"Hi"},"type":"content_block_delta"}""", "content_block_delta")]
    [TestCase("""{"item":{"type":"message"},"type":"response.output_item.added"}""", "response.output_item.added")]
    [TestCase("""{"index":0,"delta":{"text":"Hi"}}""", "")]
    [TestCase("""{"type":7,"x":1}""", "")]
    [TestCase("""{"type":"a\u0062c"}""", "")]
    [TestCase("""[{"type":"ping"}]""", "")]
    [TestCase("\"ping\"", "")]
    public void TryPeekType_WellFormed_FindsOnlyTheTopLevelStringType(string data, string expected)
    {
        bool wellFormed = WireJson.TryPeekType(Encoding.UTF8.GetBytes(data), out ReadOnlySpan<byte> type);
        string found = Encoding.UTF8.GetString(type);

        Assert.Multiple(() =>
        {
            Assert.That(wellFormed, Is.True);
            Assert.That(found, Is.EqualTo(expected));
        });
    }

    [TestCase("{\"type\":\"ping")]
    [TestCase("""{"type":"pi""")]
    [TestCase("""{"delta":{"type":"text_delta"},"type":""")]
    public void TryPeekType_TypeFirstButCut_IsNotTakenFromTheFastPath(string data)
    {
        // A type written first is read without a parser only when its closing quote arrived.
        WireJson.TryPeekType(Encoding.UTF8.GetBytes(data), out ReadOnlySpan<byte> type);

        Assert.That(Encoding.UTF8.GetString(type), Is.Empty);
    }

    [TestCase("{\"type\":\"pi\\u006eg\"}")]
    [TestCase("{\"type\":\"pi\\\"ng\"}")]
    public void TryPeekType_TypeWithAnEscape_IsNoType(string data)
    {
        bool wellFormed = WireJson.TryPeekType(Encoding.UTF8.GetBytes(data), out ReadOnlySpan<byte> type);

        bool empty = type.IsEmpty;
        Assert.Multiple(() =>
        {
            Assert.That(wellFormed, Is.True);
            Assert.That(empty, Is.True);
        });
    }

    [Test]
    public void TryPeekType_TypeFirstWithAControlCharacter_IsLeftToTheParser()
    {
        byte[] data = [.. "{\"type\":\"pi"u8, 0x01, .. "ng\"}"u8];

        bool wellFormed = WireJson.TryPeekType(data, out ReadOnlySpan<byte> type);

        bool empty = type.IsEmpty;
        Assert.Multiple(() =>
        {
            Assert.That(wellFormed, Is.False, "a raw control character is not JSON");
            Assert.That(empty, Is.True);
        });
    }

    [TestCase("""{"delta":{"text":"Hi"}""")]
    [TestCase("""{"type":""")]
    [TestCase("not json")]
    [TestCase("")]
    public void TryPeekType_Malformed_IsFalse(string data)
    {
        bool wellFormed = WireJson.TryPeekType(Encoding.UTF8.GetBytes(data), out ReadOnlySpan<byte> type);

        bool empty = type.IsEmpty;
        Assert.Multiple(() =>
        {
            Assert.That(wellFormed, Is.False);
            Assert.That(empty, Is.True);
        });
    }

    [Test]
    public void EventType_NamedEvent_IsItsName_WhateverTheData()
    {
        ReadOnlySpan<byte> type = WireJson.EventType("message_stop"u8, """{"type":"ping"}"""u8);

        Assert.That(Encoding.UTF8.GetString(type), Is.EqualTo("message_stop"));
    }

    [Test]
    public void EventType_UnnamedEvent_IsTheTypeInItsData()
    {
        ReadOnlySpan<byte> type = WireJson.EventType(default, """{"index":1,"type":"content_block_stop"}"""u8);

        Assert.That(Encoding.UTF8.GetString(type), Is.EqualTo("content_block_stop"));
    }

    [TestCase("""{"delta":{"text":"Hi"}}""", true)]
    [TestCase("""{"delta":{"text":""},"x":{"text":"a"}}""", true)]
    [TestCase("""{"delta":{"text":""}}""", false)]
    [TestCase("{\"delta\":{\"text\":\"", false)]
    [TestCase("""{"delta":{"content":"Hi"}}""", false)]
    [TestCase("", false)]
    public void HasNonEmptyString_FindsAnyNonEmptyValueOfTheMember(string data, bool expected)
    {
        Assert.That(WireJson.HasNonEmptyString(Encoding.UTF8.GetBytes(data), "\"text\":\""u8), Is.EqualTo(expected));
    }

    [TestCase(" ", true)]
    [TestCase("\t", true)]
    [TestCase("\n", true)]
    [TestCase("\r", true)]
    [TestCase("x", false)]
    [TestCase("\f", false)]
    [TestCase("\v", false)]
    [TestCase("\u00a0", false)]
    public void IsWhitespace_OnlyJsonsFour(string c, bool expected)
    {
        Assert.That(WireJson.IsWhitespace((byte)c[0]), Is.EqualTo(expected));
    }

    [TestCase("  \t\r\nx", 0, 5)]
    [TestCase("a  b", 1, 3)]
    [TestCase("a  b", 0, 0)]
    [TestCase("   ", 0, 3)]
    [TestCase("a", 1, 1)]
    public void SkipWhitespace_StopsAtTheFirstOtherByteOrTheEnd(string data, int from, int expected)
    {
        Assert.That(WireJson.SkipWhitespace(Encoding.ASCII.GetBytes(data), from), Is.EqualTo(expected));
    }

    [Test]
    public void WriteStringOrNull_WritesTheStringEscaped_OrNull()
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            WireJson.WriteStringOrNull(writer, "finish_reason"u8, "stop");
            WireJson.WriteStringOrNull(writer, "code"u8, null);
            WireJson.WriteStringOrNull(writer, "param"u8, "a\"b");
            writer.WriteEndObject();
        }

        Assert.That(Encoding.UTF8.GetString(stream.ToArray()), Is.EqualTo("""{"finish_reason":"stop","code":null,"param":"a\u0022b"}"""));
    }
}
