namespace IronRuntime.Router.Requests;

/// <summary>What the router learned from one request body, with the byte positions it may edit.</summary>
internal sealed class LlmRequestInfo
{
    /// <summary>The model exactly as the client sent it (unescaped).</summary>
    public string Model { get; set; } = string.Empty;

    /// <summary>Start of the model's JSON string token (the opening quote).</summary>
    public int ModelTokenStart { get; set; } = -1;

    /// <summary>Length of the model's JSON string token, quotes included.</summary>
    public int ModelTokenLength { get; set; }

    /// <summary>Whether <c>"stream": true</c>.</summary>
    public bool Stream { get; set; }

    /// <summary>Whether a <c>stream_options</c> object is present.</summary>
    public bool HasStreamOptions { get; set; }

    /// <summary>Position of the closing brace of <c>stream_options</c>.</summary>
    public int StreamOptionsEnd { get; set; } = -1;

    /// <summary>Position of a <c>"stream_options": null</c> value, or -1.</summary>
    public int StreamOptionsNullStart { get; set; } = -1;

    /// <summary>Whether <c>stream_options</c> has no member.</summary>
    public bool StreamOptionsEmpty { get; set; } = true;

    /// <summary>Whether <c>stream_options.include_usage</c> is true.</summary>
    public bool IncludeUsage { get; set; }

    /// <summary>The position of <c>stream_options.include_usage</c>'s value token when it is <c>false</c>.</summary>
    public int IncludeUsageFalseStart { get; set; } = -1;

    /// <summary>The output-token limit the client set (any of the route's field names), or null.</summary>
    public long? MaxOutputTokens { get; set; }

    /// <summary>Position of the top-level closing brace.</summary>
    public int ObjectEnd { get; set; } = -1;

    /// <summary>Whether the top-level object has no member.</summary>
    public bool ObjectEmpty { get; set; } = true;

    /// <summary>Number of image parts in the prompt.</summary>
    public int ImageParts { get; set; }

    /// <summary>Number of file or document parts in the prompt.</summary>
    public int FileParts { get; set; }

    /// <summary>Number of audio parts (<c>input_audio</c>) in the prompt.</summary>
    public int AudioParts { get; set; }

    /// <summary>The cost drivers the request carries; a shared empty instance when it carries none.</summary>
    public LlmBillingFactors Billing { get; set; } = LlmBillingFactors.None;
}
