using System.ClientModel;
using System.Globalization;
using System.Text.Json;
using Anthropic.Exceptions;

namespace IronRuntime.ChatClients.Internal;

/// <summary>
/// Turns the router's provider-shaped refusals, as the official SDKs raise them (OpenAI's
/// <see cref="ClientResultException"/>, Anthropic's <see cref="AnthropicServiceException"/>), into the typed
/// exceptions the <c>UseIronRuntime()</c> middleware throws, so code over any IronRuntime chat client catches one set of
/// types. Errors that are not the runtime's own (<c>iron_runtime_*</c>) are left as they are.
/// </summary>
internal static class WireRefusals
{
    private const string Prefix = "iron_runtime_";

    /// <summary>The typed exception for <paramref name="ex"/>, or null when it is not a refusal of the runtime.</summary>
    public static IronRuntimeCallRefusedException? Translate(Exception ex, string agentId, string? model)
    {
        int status = 0;
        string? type = null, code = null, message = null;
        if (ex is ClientResultException openAI)
        {
            (status, type, code, message) = FromOpenAI(openAI);
        }
        else if (ex is AnthropicServiceException anthropic)
        {
            // The body as the SDK kept it: {"type":"error","error":{"type":…,"message":…}}.
            (type, code, message) = FromJson(anthropic.Body.ToString());
        }

        if (type is null || !type.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        message ??= ex.Message;
        return type switch
        {
            BudgetExceededException.Type => new BudgetExceededException(message, ex) { AgentId = agentId, Model = model },
            ProviderUnavailableException.Type => new ProviderUnavailableException(message, ex) { RetryAfter = RetryAfter(message) },
            ContentBlockedException.Type => new ContentBlockedException(message, ex)
            {
                EntityTypes = EntityTypes(message),
                InRequest = message.StartsWith("IronRuntime refused", StringComparison.Ordinal),
            },
            _ => new IronRuntimeCallRefusedException(message, status > 0 ? status : 400, type, code ?? type[Prefix.Length..], ex),
        };
    }

    private static (int Status, string? Type, string? Code, string? Message) FromOpenAI(ClientResultException ex)
    {
        var (type, code, message) = FromJson(ex.GetRawResponse()?.Content?.ToString());
        return (ex.Status, type, code, message);
    }

    /// <summary>The type, code and message of an error body in either provider's shape (<c>{"error":{…}}</c>).</summary>
    private static (string? Type, string? Code, string? Message) FromJson(string? body)
    {
        if (string.IsNullOrEmpty(body) || body[0] != '{')
        {
            return (null, null, null);
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
                ? (Text(error, "type"), Text(error, "code"), Text(error, "message"))
                : (null, null, null);
        }
        catch (JsonException)
        {
            return (null, null, null);
        }
    }

    private static string? Text(JsonElement error, string name) =>
        error.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>The seconds of "Retry after N s." in the router's message (at least one).</summary>
    private static TimeSpan RetryAfter(string message)
    {
        const string Marker = "Retry after ";
        int at = message.LastIndexOf(Marker, StringComparison.Ordinal);
        if (at >= 0)
        {
            int start = at + Marker.Length, end = start;
            while (end < message.Length && char.IsAsciiDigit(message[end]))
            {
                end++;
            }

            if (long.TryParse(message.AsSpan(start, end - start), NumberStyles.None, CultureInfo.InvariantCulture, out long seconds))
            {
                return TimeSpan.FromSeconds(Math.Max(1, seconds));
            }
        }

        return TimeSpan.FromSeconds(1);
    }

    /// <summary>The entity types of "…personal data or secrets: EMAIL, PHONE." in the router's message.</summary>
    private static string[] EntityTypes(string message)
    {
        const string Marker = "secrets: ";
        int at = message.IndexOf(Marker, StringComparison.Ordinal);
        return at < 0 ? [] : message[(at + Marker.Length)..].TrimEnd('.').Split(", ", StringSplitOptions.RemoveEmptyEntries);
    }
}
