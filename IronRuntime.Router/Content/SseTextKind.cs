namespace IronRuntime.Router.Content;

/// <summary>The kinds of text a logical stream of an answer can carry.</summary>
internal enum SseTextKind : byte
{
    /// <summary>No text (the family of an event that is not a Responses <c>*.delta</c> or <c>*.done</c>).</summary>
    None = 0,

    /// <summary>Chat Completions <c>choices[i].delta.content</c>.</summary>
    ChatContent,

    /// <summary>Chat Completions <c>choices[i].delta.refusal</c>.</summary>
    ChatRefusal,

    /// <summary>Chat Completions <c>choices[i].delta.tool_calls[j].function.arguments</c>.</summary>
    ChatToolArguments,

    /// <summary>Chat Completions <c>choices[i].delta.function_call.arguments</c> (the deprecated functions API).</summary>
    ChatFunctionCallArguments,

    /// <summary>Messages block text (<c>text_delta</c>, a started block's <c>text</c>).</summary>
    BlockText,

    /// <summary>Messages tool input (<c>input_json_delta</c>'s <c>partial_json</c>).</summary>
    BlockJson,

    /// <summary>A Responses event family (<c>response.output_text</c>, <c>response.function_call_arguments</c>, …), told apart by <see cref="SseTextFamily.Hash"/>.</summary>
    ResponsesEvent,
}
