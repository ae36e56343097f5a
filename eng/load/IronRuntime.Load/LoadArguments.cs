using System.Globalization;

namespace IronRuntime.Load;

/// <summary><c>--name value</c> and <c>--flag</c> arguments after the command.</summary>
internal sealed class LoadArguments
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);

    public LoadArguments(IReadOnlyList<string> args)
    {
        for (int i = 0; i < args.Count; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException("unexpected argument " + args[i]);
            }

            string name = args[i][2..];
            string? value = i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : null;
            _values[name] = value;
        }
    }

    public bool Has(string name) => _values.ContainsKey(name);

    public string? Get(string name) => _values.GetValueOrDefault(name);

    public int GetInt(string name, int fallback)
        => Get(name) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

    public double GetDouble(string name, double fallback)
        => Get(name) is { } value ? double.Parse(value, CultureInfo.InvariantCulture) : fallback;
}
