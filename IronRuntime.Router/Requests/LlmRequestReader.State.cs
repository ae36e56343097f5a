using System.Text.Json;
using IronRuntime.Router.Wire;

namespace IronRuntime.Router.Requests;

internal static partial class LlmRequestReader
{
    /// <summary>Where the forward pass is: the top-level member it is in and the last nested name it saw.</summary>
    private partial struct ReadState(LlmApi api, LlmRequestInfo info)
    {
        private Member _pending;
        private Member _top;
        private string? _topName;
        private Nested _nested;
        private int _toolIndex;
        private string? _toolType;
        private long? _toolMaxUses;
        private string? _toolContextSize;
        private ContainerFacts _toolContainer;
        private LlmBillingFactors? _billing;
        private List<LlmServerTool>? _serverTools;
        private List<string>? _unbounded;

        private LlmBillingFactors Billing => _billing ??= new LlmBillingFactors();

        public bool ReadTopLevelProperty(ref Utf8JsonReader reader, out string? error, out string? param)
        {
            error = null;
            param = null;
            _nested = Nested.Other;
            _top = Member.Other;
            _pending = Classify(ref reader, api);
            _topName = _pending is Member.MaxTokens or Member.Unbounded ? reader.GetString() : null;

            // The value token follows; scalars are handled here, containers by the main loop.
            if (!reader.Read())
            {
                return true;
            }

            var member = _pending;
            _pending = Member.Other;
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject or JsonTokenType.StartArray:
                    return EnterContainer(ref reader, member, out error, out param);
                default:
                    return ReadTopLevelScalar(ref reader, member, out error, out param);
            }
        }

        private bool EnterContainer(ref Utf8JsonReader reader, Member member, out string? error, out string? param)
        {
            error = null;
            param = null;
            bool isObject = reader.TokenType == JsonTokenType.StartObject;
            switch (member)
            {
                case Member.Model:
                    (error, param) = ("The model parameter must be a string.", "model");
                    return false;
                case Member.Stream:
                    (error, param) = ("The stream parameter must be a boolean.", "stream");
                    return false;
                case Member.StreamOptions when !isObject:
                    (error, param) = ("The stream_options parameter must be an object.", "stream_options");
                    return false;
                case Member.MaxTokens or Member.Choices or Member.MaxToolCalls or Member.ServiceTier:
                    param = _topName ?? Name(member);
                    error = $"Invalid '{param}': it must be {(member == Member.ServiceTier ? "a string" : "a positive integer")}.";
                    return false;
                case Member.StreamOptions:
                    info.HasStreamOptions = true;
                    break;
                case Member.Audio:
                    Billing.RequestsAudioOutput = true;
                    break;
                case Member.WebSearchOptions:
                    _toolType = "web_search_options";
                    _toolContextSize = null;
                    break;
                case Member.Unbounded:
                    AddUnbounded(_topName!);
                    break;
            }

            _top = member;
            return true;
        }

        private bool ReadTopLevelScalar(ref Utf8JsonReader reader, Member member, out string? error, out string? param)
        {
            error = null;
            param = null;
            var token = reader.TokenType;
            switch (member)
            {
                case Member.Model:
                    if (token != JsonTokenType.String)
                    {
                        (error, param) = ("The model parameter must be a string.", "model");
                        return false;
                    }

                    info.Model = Internal.JsonStringCache.GetString(ref reader);
                    if (info.Model.Length == 0)
                    {
                        (error, param) = ("The model parameter must not be empty.", "model");
                        return false;
                    }

                    info.ModelTokenStart = (int)reader.TokenStartIndex;
                    info.ModelTokenLength = reader.ValueSpan.Length + 2;
                    return true;
                case Member.Stream:
                    switch (token)
                    {
                        case JsonTokenType.True: info.Stream = true; return true;
                        case JsonTokenType.False or JsonTokenType.Null: info.Stream = false; return true;
                        default: (error, param) = ("The stream parameter must be a boolean.", "stream"); return false;
                    }

                case Member.StreamOptions:
                    if (token != JsonTokenType.Null)
                    {
                        (error, param) = ("The stream_options parameter must be an object.", "stream_options");
                        return false;
                    }

                    info.StreamOptionsNullStart = (int)reader.TokenStartIndex;
                    return true;
                case Member.MaxTokens or Member.Choices or Member.MaxToolCalls:
                    if (token == JsonTokenType.Null)
                    {
                        return true;
                    }

                    long max = member == Member.Choices ? 128 : int.MaxValue;
                    if (token != JsonTokenType.Number || !reader.TryGetInt64(out long value) || value <= 0 || value > max)
                    {
                        param = _topName ?? Name(member);
                        error = $"Invalid '{param}': it must be a positive integer no larger than {max}.";
                        return false;
                    }

                    if (member == Member.MaxTokens)
                    {
                        // Aliases (max_tokens and max_completion_tokens): the larger one bounds whatever the provider uses.
                        info.MaxOutputTokens = info.MaxOutputTokens is { } existing ? Math.Max(existing, value) : value;
                    }
                    else if (member == Member.Choices)
                    {
                        if (value > 1)
                        {
                            Billing.Choices = (int)value;
                        }
                    }
                    else
                    {
                        Billing.MaxToolCalls = value;
                    }

                    return true;
                case Member.ServiceTier:
                    if (token == JsonTokenType.String)
                    {
                        Billing.ServiceTier = reader.GetString();
                    }
                    else if (token != JsonTokenType.Null)
                    {
                        (error, param) = ("Invalid 'service_tier': it must be a string.", "service_tier");
                        return false;
                    }

                    return true;
                case Member.Unbounded:
                    bool present = token switch
                    {
                        JsonTokenType.Null or JsonTokenType.False => false,
                        JsonTokenType.String => reader.ValueSpan.Length > 0,
                        _ => true,
                    };
                    if (present)
                    {
                        AddUnbounded(_topName!);
                    }

                    return true;
                default:
                    return true;
            }
        }

        public void OnStartObject(int depth)
        {
            bool container = _nested == Nested.Container;
            _nested = Nested.Other;
            if (_top == Member.Tools && depth == 2)
            {
                _toolType = null;
                _toolMaxUses = null;
                _toolContextSize = null;
                _toolContainer = default;
            }
            else if (_top == Member.Tools && depth == 3)
            {
                _toolContainer.InObject = container;
            }
        }

        public void OnEndObject(ref Utf8JsonReader reader)
        {
            _nested = Nested.Other;
            int depth = reader.CurrentDepth;
            if (depth == 1)
            {
                if (_top == Member.StreamOptions)
                {
                    info.StreamOptionsEnd = (int)reader.TokenStartIndex;
                }
                else if (_top == Member.WebSearchOptions)
                {
                    // Chat Completions search models search once per request.
                    AddServerTool(new LlmServerTool("web_search_options", 1, "web_search_options", _toolContextSize));
                }

                _top = Member.Other;
            }
            else if (depth == 2 && _top == Member.Tools)
            {
                FinishTool();
                _toolIndex++;
            }
            else if (depth == 3)
            {
                _toolContainer.InObject = false;
            }
        }

        public bool ReadNestedProperty(ref Utf8JsonReader reader, out string? error, out string? param)
        {
            error = null;
            param = null;
            int depth = reader.CurrentDepth;
            if (_top == Member.StreamOptions && depth == 2)
            {
                info.StreamOptionsEmpty = false;
            }

            _nested = reader.ValueTextEquals(WireJson.Type) ? Nested.Type
                : reader.ValueTextEquals("ttl"u8) ? Nested.Ttl
                : _top == Member.StreamOptions && depth == 2 && reader.ValueTextEquals(WireJson.IncludeUsage) ? Nested.IncludeUsage
                : _top == Member.Thinking && depth == 2 && reader.ValueTextEquals("budget_tokens"u8) ? Nested.BudgetTokens
                : _top == Member.Tools && depth == 3 && reader.ValueTextEquals("max_uses"u8) ? Nested.MaxUses
                : ((_top == Member.Tools && depth == 3) || (_top == Member.WebSearchOptions && depth == 2)) && reader.ValueTextEquals("search_context_size"u8) ? Nested.SearchContextSize
                : _top == Member.Tools ? ContainerMember(ref reader, depth)
                : Nested.Other;

            if (_nested == Nested.MemoryLimit)
            {
                _nested = Nested.Other;
                return ReadMemoryLimit(ref reader, out error, out param);
            }

            if (_nested == Nested.IncludeUsage)
            {
                reader.Read();
                _nested = Nested.Other;
                switch (reader.TokenType)
                {
                    case JsonTokenType.True:
                        info.IncludeUsage = true;
                        break;
                    case JsonTokenType.False:
                        info.IncludeUsageFalseStart = (int)reader.TokenStartIndex;
                        break;
                    case JsonTokenType.Null:
                        break;
                    default:
                        (error, param) = ("stream_options.include_usage must be a boolean.", "stream_options.include_usage");
                        return false;
                }
            }

            return true;
        }

        public void OnString(ref Utf8JsonReader reader)
        {
            switch (_nested)
            {
                case Nested.Type:
                    if (_top == Member.Tools && reader.CurrentDepth == 3)
                    {
                        _toolType = reader.GetString();
                    }
                    else
                    {
                        CountPart(ref reader);
                    }

                    break;
                case Nested.Ttl when !reader.ValueTextEquals("5m"u8):
                    // Anthropic knows "5m" and "1h"; anything but the cheaper one is reserved at the dearer rate.
                    Billing.UsesOneHourCache = true;
                    break;
                case Nested.SearchContextSize:
                    _toolContextSize = reader.GetString();
                    break;
                case Nested.Container when reader.CurrentDepth == 3:
                    _toolContainer.Existing = true;
                    break;
                default:
                    if (_top == Member.Modalities && reader.CurrentDepth == 2 && reader.ValueTextEquals("audio"u8))
                    {
                        Billing.RequestsAudioOutput = true;
                    }

                    break;
            }

            _nested = Nested.Other;
        }

        public void OnValue(ref Utf8JsonReader reader)
        {
            if (reader.TokenType == JsonTokenType.Number)
            {
                if (_nested == Nested.BudgetTokens && reader.TryGetInt64(out long budget) && budget > 0)
                {
                    Billing.ThinkingBudgetTokens = budget;
                }
                else if (_nested == Nested.MaxUses && reader.TryGetInt64(out long uses) && uses >= 0)
                {
                    _toolMaxUses = uses;
                }
            }

            _nested = Nested.Other;
        }

        public readonly void Finish()
        {
            if (_billing is null && _serverTools is null && _unbounded is null && info.AudioParts == 0)
            {
                return;
            }

            var billing = _billing ?? new LlmBillingFactors();
            billing.HasAudioInput = info.AudioParts > 0;
            billing.ServerTools = _serverTools is null ? [] : _serverTools;
            billing.UnboundedMembers = _unbounded is null ? [] : _unbounded;
            info.Billing = billing;
        }

        private void FinishTool()
        {
            string type = _toolType ?? string.Empty;
            if (IsServerTool(type))
            {
                AddServerTool(new LlmServerTool(type, _toolMaxUses, $"tools[{_toolIndex}]", _toolContextSize)
                {
                    ContainerMemoryLimit = _toolContainer.MemoryLimit,
                    UsesExistingContainer = _toolContainer.Existing,
                });
            }
        }

        private void AddServerTool(LlmServerTool tool) => (_serverTools ??= []).Add(tool);

        private void AddUnbounded(string name)
        {
            _unbounded ??= [];
            if (!_unbounded.Contains(name))
            {
                _unbounded.Add(name);
            }
        }

        private readonly void CountPart(ref Utf8JsonReader reader)
        {
            if (reader.ValueTextEquals("image_url"u8) || reader.ValueTextEquals("input_image"u8) || reader.ValueTextEquals("image"u8))
            {
                info.ImageParts++;
            }
            else if (reader.ValueTextEquals("file"u8) || reader.ValueTextEquals("input_file"u8) || reader.ValueTextEquals("document"u8))
            {
                info.FileParts++;
            }
            else if (reader.ValueTextEquals("input_audio"u8))
            {
                info.AudioParts++;
            }
        }
    }
}
