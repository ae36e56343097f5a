using System.Text;
using System.Text.Json;
using IronRuntime.Router.Wire;

namespace IronRuntime.Tests.Wire;

/// <summary>
/// The container paths of the wire modules name where the providers put a stream event's text and indexes: walked
/// over events shaped as in the Chat Completions, Messages and Responses streaming references, every marked value
/// is at its path and at no other.
/// </summary>
public sealed class WirePathTests
{
    private delegate ReadOnlySpan<WireName> PathOf();

    private static readonly (string Name, PathOf Path)[] Paths =
    [
        ("chat.delta", () => ChatCompletionsWire.DeltaPath),
        ("chat.tool_call_function", () => ChatCompletionsWire.ToolCallFunctionPath),
        ("chat.function_call", () => ChatCompletionsWire.FunctionCallPath),
        ("chat.choice", () => ChatCompletionsWire.ChoicePath),
        ("chat.tool_call", () => ChatCompletionsWire.ToolCallPath),
        ("messages.event", () => MessagesWire.EventPath),
        ("messages.delta", () => MessagesWire.DeltaPath),
        ("messages.content_block", () => MessagesWire.ContentBlockPath),
    ];

    [TestCase(
        """{"id":"c","object":"chat.completion.chunk","choices":[{"index":"@chat.choice","delta":{"content":"@chat.delta","refusal":"@chat.delta"}}]}""")]
    [TestCase(
        """{"id":"c","choices":[{"index":0,"delta":{"tool_calls":[{"index":"@chat.tool_call","id":"@chat.tool_call","function":{"name":"@chat.tool_call_function","arguments":"@chat.tool_call_function"}}]}}]}""")]
    [TestCase(
        """{"id":"c","choices":[{"index":0,"delta":{"function_call":{"arguments":"@chat.function_call"}},"finish_reason":"@chat.choice"}]}""")]
    [TestCase(
        """{"type":"@messages.event","index":"@messages.event","delta":{"type":"@messages.delta","text":"@messages.delta"}}""")]
    [TestCase(
        """{"type":"@messages.event","index":"@messages.event","content_block":{"type":"@messages.content_block","text":"@messages.content_block"}}""")]
    public void EveryMarkedValue_IsAtItsPathOnly(string json)
    {
        var checkedValues = 0;
        foreach ((string marker, WireName[] containers) in Walk(json))
        {
            if (!marker.StartsWith('@'))
            {
                continue; // ids and object types: not marked
            }

            foreach ((string name, PathOf path) in Paths)
            {
                bool expected = marker == "@" + name;
                Assert.That(WireNames.IsAt(containers, containers.Length - 1, path()), Is.EqualTo(expected), $"{marker} against {name}");
            }

            checkedValues++;
        }

        Assert.That(checkedValues, Is.GreaterThanOrEqualTo(2));
    }

    [Test]
    public void ResponsesTextEvent_ItsMembersAreAtTheEventPath()
    {
        List<(string Marker, WireName[] Containers)> values = Walk(
            """{"type":"response.output_text.delta","item_id":"msg_1","output_index":0,"content_index":0,"delta":"@x"}""");
        List<(string Marker, WireName[] Containers)> nested = Walk("""{"type":"response.output_item.added","item":{"type":"@x"}}""");

        Assert.Multiple(() =>
        {
            Assert.That(values.Select(v => WireNames.IsAt(v.Containers, v.Containers.Length - 1, ResponsesWire.EventPath)), Is.All.True);
            Assert.That(WireNames.IsAt(nested[^1].Containers, nested[^1].Containers.Length - 1, ResponsesWire.EventPath), Is.False);
        });
    }

    /// <summary>Every string value of <paramref name="json"/> with the names of the containers above it (index 0 unused, 1 = the root).</summary>
    private static List<(string Marker, WireName[] Containers)> Walk(string json)
    {
        var values = new List<(string, WireName[])>();
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        var containers = new List<WireName> { WireName.Other };
        WireName pending = WireName.Other;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    pending = WireNames.Of(ref reader);
                    break;
                case JsonTokenType.StartObject:
                case JsonTokenType.StartArray:
                    containers.Add(pending);
                    pending = WireName.Other;
                    break;
                case JsonTokenType.EndObject:
                case JsonTokenType.EndArray:
                    containers.RemoveAt(containers.Count - 1);
                    break;
                case JsonTokenType.String:
                    values.Add((reader.GetString()!, [.. containers]));
                    pending = WireName.Other;
                    break;
                default:
                    pending = WireName.Other;
                    break;
            }
        }

        return values;
    }
}
