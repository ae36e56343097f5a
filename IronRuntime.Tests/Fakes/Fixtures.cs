using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace IronRuntime.Tests.Fakes;

/// <summary>
/// The provider wire formats as fixture files (<c>Fakes/Fixtures/</c>, embedded in the test assembly), written from the
/// providers' API references and the official SDKs' test data, never from the library's own writer. A template is the
/// exact bytes the provider sends, with <c>{{name}}</c> placeholders: inside quotes a placeholder takes escaped
/// string content (<see cref="Str"/>), outside quotes a JSON value or a raw fragment.
/// </summary>
internal static class Fixtures
{
    private static readonly ConcurrentDictionary<string, string> Cache = new(StringComparer.Ordinal);

    /// <summary>The template <paramref name="name"/> (for example <c>openai/chat.completion.json</c>), as stored.</summary>
    public static string Template(string name) => Cache.GetOrAdd(name, static n =>
    {
        using Stream stream = typeof(Fixtures).Assembly.GetManifestResourceStream("Fixtures/" + n)
            ?? throw new InvalidOperationException($"No fixture named {n}.");
        using var reader = new StreamReader(stream, new UTF8Encoding(false));
        return reader.ReadToEnd();
    });

    /// <summary>Fills the placeholders of <paramref name="name"/>; each value is inserted as given, and a placeholder without a value throws.</summary>
    public static string Render(string name, params (string Key, string Value)[] values)
    {
        string template = Template(name);
        var output = new StringBuilder(template.Length + 256);
        int position = 0;
        while (true)
        {
            int open = template.IndexOf("{{", position, StringComparison.Ordinal);
            if (open < 0)
            {
                output.Append(template, position, template.Length - position);
                return output.ToString();
            }

            int close = template.IndexOf("}}", open, StringComparison.Ordinal);
            string key = template[(open + 2)..close];
            int found = Array.FindIndex(values, v => v.Key == key);
            if (found < 0)
            {
                throw new InvalidOperationException($"Fixture {name} needs a value for {{{{{key}}}}}.");
            }

            output.Append(template, position, open - position).Append(values[found].Value);
            position = close + 2;
        }
    }

    /// <summary>
    /// <paramref name="text"/> escaped for the inside of a JSON string the way the providers send it: quote, backslash
    /// and control characters escaped, everything else (non-ASCII included) as raw UTF-8.
    /// </summary>
    public static string Str(string text)
    {
        var sb = new StringBuilder(text.Length + 8);
        foreach (char c in text)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case < ' ': sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                default: sb.Append(c); break;
            }
        }

        return sb.ToString();
    }

    /// <summary>A JSON string value, or <c>null</c>.</summary>
    public static string Quoted(string? text) => text is null ? "null" : "\"" + Str(text) + "\"";

    /// <summary>A JSON number.</summary>
    public static string Num(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Indents compact JSON as OpenAI sends its non-streamed bodies: <paramref name="size"/> spaces a level,
    /// <c>"key": value</c>, one member or element a line, empty objects and arrays kept as <c>{}</c> and <c>[]</c>.
    /// String contents are copied untouched.
    /// </summary>
    public static string Indent(string compact, int size = 2)
    {
        var sb = new StringBuilder(compact.Length * 2);
        int depth = 0;
        bool inString = false;
        for (int i = 0; i < compact.Length; i++)
        {
            char c = compact[i];
            if (inString)
            {
                sb.Append(c);
                if (c == '\\')
                {
                    sb.Append(compact[++i]);
                }
                else if (c == '"')
                {
                    inString = false;
                }

                continue;
            }

            switch (c)
            {
                case '"':
                    inString = true;
                    sb.Append(c);
                    break;
                case '{' or '[':
                    if (compact[i + 1] is '}' or ']')
                    {
                        sb.Append(c).Append(compact[++i]);
                        break;
                    }

                    depth++;
                    sb.Append(c).Append('\n').Append(' ', depth * size);
                    break;
                case '}' or ']':
                    depth--;
                    sb.Append('\n').Append(' ', depth * size).Append(c);
                    break;
                case ',':
                    sb.Append(",\n").Append(' ', depth * size);
                    break;
                case ':':
                    sb.Append(": ");
                    break;
                default:
                    sb.Append(c);
                    break;
            }
        }

        return sb.ToString();
    }
}
