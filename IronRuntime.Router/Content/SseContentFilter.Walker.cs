using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using IronRuntime.Router.Wire;

namespace IronRuntime.Router.Content;

internal sealed partial class SseContentFilter
{
    /// <summary>
    /// Walks an event's JSON token by token, remembering the property name each value belongs to, the depth of the
    /// container it is in (a container's own Start and End tokens report its depth) and the names of the containers
    /// above it, so that a value's place is matched against a wire module's path (<see cref="IsAt"/>).
    /// </summary>
    private ref struct EventWalker
    {
        private Utf8JsonReader _reader;
        private readonly Span<WireName> _containers;
        private bool _leave;

        /// <summary>Creates a walker over <paramref name="data"/>; <paramref name="containers"/> holds <see cref="MaxDepth"/> + 2 names.</summary>
        public EventWalker(ReadOnlySpan<byte> data, Span<WireName> containers)
        {
            _reader = new Utf8JsonReader(data);
            _containers = containers;
        }

        /// <summary>The current token.</summary>
        public JsonTokenType Token { get; private set; }

        /// <summary>The depth of the current value's container (of the container itself for Start and End).</summary>
        public int Depth { get; private set; }

        /// <summary>The name of the property whose value the current token is (Other in arrays and for unknown names).</summary>
        public WireName Property { get; private set; }

        /// <summary>The reader, positioned on the current token.</summary>
        [UnscopedRef]
        public ref Utf8JsonReader Reader => ref _reader;

        /// <summary>Whether the containers of the current value (or the current container, for Start and End) are exactly <paramref name="path"/>.</summary>
        public readonly bool IsAt(ReadOnlySpan<WireName> path) => WireNames.IsAt(_containers, Depth, path);

        public bool Next()
        {
            if (_leave)
            {
                Depth--;
                _leave = false;
            }

            WireName name = WireName.Other;
            while (_reader.Read())
            {
                if (_reader.TokenType == JsonTokenType.PropertyName)
                {
                    name = WireNames.Of(ref _reader);
                    continue;
                }

                Token = _reader.TokenType;
                Property = name;
                if (Token is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    Depth++;
                    _containers[Depth] = name;
                }
                else if (Token is JsonTokenType.EndObject or JsonTokenType.EndArray)
                {
                    _leave = true;
                }

                return true;
            }

            return false;
        }
    }
}
