namespace IronRuntime.Router;

/// <summary>Which way text flows through the router.</summary>
public enum LlmContentDirection
{
    /// <summary>Prompts: text the agent sends to the model.</summary>
    Request = 0,

    /// <summary>Model output: text the model sends back to the agent.</summary>
    Response = 1,
}
