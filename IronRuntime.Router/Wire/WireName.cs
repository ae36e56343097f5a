namespace IronRuntime.Router.Wire;

/// <summary>
/// The member names the stream content filter tells apart while it walks an event, one byte each so that a path
/// (the names of the containers above a value) fits on the stack. <see cref="Other"/> is the name of the root, of an
/// array element, and of every member not listed.
/// </summary>
internal enum WireName : byte
{
    /// <summary>The root, an array element, or a name not listed.</summary>
    Other = 0,

    /// <summary><c>choices</c> (Chat Completions).</summary>
    Choices,

    /// <summary><c>delta</c> (all three APIs).</summary>
    Delta,

    /// <summary><c>content</c> (Chat Completions).</summary>
    Content,

    /// <summary><c>refusal</c> (Chat Completions).</summary>
    Refusal,

    /// <summary><c>tool_calls</c> (Chat Completions).</summary>
    ToolCalls,

    /// <summary><c>function</c> (Chat Completions).</summary>
    Function,

    /// <summary><c>function_call</c> (Chat Completions, the deprecated functions API).</summary>
    FunctionCall,

    /// <summary><c>arguments</c> (Chat Completions).</summary>
    Arguments,

    /// <summary><c>index</c> (Chat Completions, Messages).</summary>
    Index,

    /// <summary><c>finish_reason</c> (Chat Completions).</summary>
    FinishReason,

    /// <summary><c>text</c> (Messages).</summary>
    Text,

    /// <summary><c>partial_json</c> (Messages).</summary>
    PartialJson,

    /// <summary><c>content_block</c> (Messages).</summary>
    ContentBlock,

    /// <summary><c>output_index</c> (Responses).</summary>
    OutputIndex,

    /// <summary><c>content_index</c> (Responses).</summary>
    ContentIndex,

    /// <summary><c>summary_index</c> (Responses).</summary>
    SummaryIndex,
}
