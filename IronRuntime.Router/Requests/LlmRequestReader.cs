using System.Text.Json;

namespace IronRuntime.Router.Requests;

/// <summary>
/// Reads the fields of an LLM request body the router needs, in one forward pass with <see cref="Utf8JsonReader"/>,
/// recording byte positions so edits can splice the original bytes.
/// </summary>
/// <remarks>
/// The reading is strict: a member name that occurs twice in any object of the body is refused, never guessed
/// (providers parse last-wins, so keeping either value would let a request say one thing to the runtime and another
/// to the provider). The same pass finds what can raise the bill (<see cref="LlmBillingFactors"/>).
/// </remarks>
internal static partial class LlmRequestReader
{
    /// <summary>Parses <paramref name="body"/>; on failure <paramref name="error"/> says what is wrong.</summary>
    public static bool TryRead(ReadOnlySpan<byte> body, LlmApi api, out LlmRequestInfo info, out string? error)
        => TryRead(body, api, out info, out error, out _);

    /// <summary>
    /// Parses <paramref name="body"/>; on failure <paramref name="error"/> says what is wrong and
    /// <paramref name="param"/> names the member at fault, when there is one.
    /// </summary>
    /// <remarks>
    /// Locals are not zeroed (<c>SkipLocalsInit</c>): the object numbers (1 KiB on the stack) are each written when
    /// their object starts, before any member of it is read, so clearing them per call was pure cost.
    /// </remarks>
    [System.Runtime.CompilerServices.SkipLocalsInit]
    public static bool TryRead(ReadOnlySpan<byte> body, LlmApi api, out LlmRequestInfo info, out string? error, out string? param)
    {
        info = new LlmRequestInfo();
        error = null;
        param = null;
        var names = JsonMemberNameSet.Rent();
        var state = new ReadState(api, info);
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 256 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                error = "The request body must be a JSON object.";
                return false;
            }

            Span<int> objectIds = stackalloc int[258];
            int nextObjectId = 0;
            objectIds[0] = nextObjectId++;
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        objectIds[reader.CurrentDepth] = nextObjectId++;
                        state.OnStartObject(reader.CurrentDepth);
                        break;
                    case JsonTokenType.EndObject when reader.CurrentDepth == 0:
                        info.ObjectEnd = (int)reader.TokenStartIndex;
                        break;
                    case JsonTokenType.EndObject:
                        state.OnEndObject(ref reader);
                        break;
                    case JsonTokenType.PropertyName:
                        int depth = reader.CurrentDepth;
                        if (!names.TryAdd(objectIds[depth - 1], ref reader, body))
                        {
                            param = reader.GetString();
                            error = $"The request body has the member '{param}' twice in the same object; IronRuntime refuses duplicated members " +
                                    "because the runtime and the provider could read different values.";
                            return false;
                        }

                        if (depth == 1)
                        {
                            info.ObjectEmpty = false;
                            if (!state.ReadTopLevelProperty(ref reader, out error, out param))
                            {
                                return false;
                            }

                            // The member's value was read with it; an object value needs its number here.
                            if (reader.TokenType == JsonTokenType.StartObject)
                            {
                                objectIds[reader.CurrentDepth] = nextObjectId++;
                            }
                        }
                        else if (!state.ReadNestedProperty(ref reader, out error, out param))
                        {
                            return false;
                        }

                        break;
                    case JsonTokenType.String:
                        state.OnString(ref reader);
                        break;
                    default:
                        state.OnValue(ref reader);
                        break;
                }
            }

            if (info.ObjectEnd < 0)
            {
                error = "The request body is not complete JSON.";
                return false;
            }
        }
        catch (JsonException ex)
        {
            error = $"We could not parse the JSON body of your request ({ex.Message}).";
            return false;
        }
        finally
        {
            names.Return();
        }

        if (info.ModelTokenStart < 0 && api != LlmApi.Unknown)
        {
            error = "You must provide a model parameter.";
            param = "model";
            return false;
        }

        state.Finish();
        return true;
    }
}
