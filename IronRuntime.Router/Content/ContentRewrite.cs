namespace IronRuntime.Router.Content;

/// <summary>The outcome of filtering one JSON document.</summary>
internal enum ContentRewrite
{
    /// <summary>Nothing changes: forward the original bytes.</summary>
    Unchanged = 0,

    /// <summary>Forward the rewritten bytes.</summary>
    Rewritten = 1,

    /// <summary>A scanner blocked: refuse or end with an error naming the entity types.</summary>
    Blocked = 2,

    /// <summary>The document could not be parsed.</summary>
    Unparsed = 3,
}
