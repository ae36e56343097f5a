using System.Text.Json;

namespace IronRuntime.Router.Requests;

internal static partial class LlmRequestReader
{
    /// <summary>What a tool's <c>container</c> says (OpenAI code interpreter): an existing container's id, or a memory limit.</summary>
    private struct ContainerFacts
    {
        /// <summary>Whether the reader is inside the tool's <c>container</c> object.</summary>
        public bool InObject;

        /// <summary>Whether <c>container</c> is a string, an existing container's id.</summary>
        public bool Existing;

        /// <summary>The <c>container.memory_limit</c> as sent, or null.</summary>
        public string? MemoryLimit;
    }

    private partial struct ReadState
    {
        /// <summary>Whether the property of a tool is its <c>container</c> (depth 3) or that object's <c>memory_limit</c> (depth 4).</summary>
        private readonly Nested ContainerMember(ref Utf8JsonReader reader, int depth)
            => depth == 3 && reader.ValueTextEquals("container"u8) ? Nested.Container
                : depth == 4 && _toolContainer.InObject && reader.ValueTextEquals("memory_limit"u8) ? Nested.MemoryLimit
                : Nested.Other;

        /// <summary>Reads <c>container.memory_limit</c>: a string, or null for the default; anything else is refused.</summary>
        private bool ReadMemoryLimit(ref Utf8JsonReader reader, out string? error, out string? param)
        {
            (error, param) = (null, null);
            reader.Read();
            switch (reader.TokenType)
            {
                case JsonTokenType.String:
                    _toolContainer.MemoryLimit = reader.GetString();
                    return true;
                case JsonTokenType.Null:
                    return true;
                default:
                    param = $"tools[{_toolIndex}].container.memory_limit";
                    error = $"Invalid '{param}': it must be a string such as \"4g\".";
                    return false;
            }
        }
    }
}
