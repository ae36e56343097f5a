namespace IronRuntime.Router.Content;

/// <summary>Which strings of a JSON document are text to scan.</summary>
internal enum JsonTextScope
{
    /// <summary>Prompts: <c>content</c>, <c>text</c>, <c>instructions</c>, <c>system</c>, <c>input</c>, <c>prompt</c> and <c>arguments</c> strings (also as array items).</summary>
    Request = 0,

    /// <summary>Chat Completions answers: message <c>content</c>, <c>refusal</c>, tool-call <c>arguments</c>.</summary>
    ChatResponse = 1,

    /// <summary>Responses answers and stream snapshots: <c>text</c>, <c>arguments</c>, <c>refusal</c>.</summary>
    ResponsesResponse = 2,

    /// <summary>Anthropic answers: <c>text</c> blocks, <c>partial_json</c>, and every string inside a tool-use <c>input</c>.</summary>
    MessagesResponse = 3,
}
