using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace IronRuntime.Router.Content;

internal sealed partial class SseContentFilter
{
    /// <summary>
    /// Walks an event's JSON token by token, remembering the property name each value belongs to and the depth of the
    /// container it is in (a container's own Start and End tokens report its depth).
    /// </summary>
    private ref struct EventWalker(ReadOnlySpan<byte> data)
    {
        private Utf8JsonReader _reader = new(data);
        private bool _leave;

        /// <summary>The current token.</summary>
        public JsonTokenType Token { get; private set; }

        /// <summary>The depth of the current value's container (of the container itself for Start and End).</summary>
        public int Depth { get; private set; }

        /// <summary>The name of the property whose value the current token is (Other in arrays and for unknown names).</summary>
        public Name Property { get; private set; }

        /// <summary>The reader, positioned on the current token.</summary>
        [UnscopedRef]
        public ref Utf8JsonReader Reader => ref _reader;

        public bool Next()
        {
            if (_leave)
            {
                Depth--;
                _leave = false;
            }

            Name name = Name.Other;
            while (_reader.Read())
            {
                if (_reader.TokenType == JsonTokenType.PropertyName)
                {
                    name = NameOf(ref _reader);
                    continue;
                }

                Token = _reader.TokenType;
                Property = name;
                if (Token is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    Depth++;
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
