using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using IronRuntime.Pricing.Internal;
using Microsoft.Extensions.Options;

namespace IronRuntime.Pricing;

/// <summary>
/// Model prices from the shipped table, the user's pricing file and the per-model overrides
/// (see <see cref="PricingOptions"/>), looked up by model id with the fallbacks of <see cref="ModelIdFallback"/>.
/// </summary>
/// <remarks>
/// Built once; lookups are thread-safe. An exact id is found in a frozen dictionary; the outcome of a
/// fallback lookup (found or not) is remembered, for up to <see cref="MaxRememberedLookups"/> ids, so that
/// repeating it neither allocates nor walks the fallbacks again.
/// </remarks>
internal sealed class PricingTable : IModelPricing
{
    /// <summary>The logical name of the embedded shipped table.</summary>
    internal const string ShippedResourceName = "IronRuntime.Pricing.model_prices.json";

    /// <summary>How many distinct fallback lookups are remembered; bounds the memory a stream of made-up ids can take.</summary>
    internal const int MaxRememberedLookups = 1024;

    private static readonly Lazy<IReadOnlyDictionary<string, ModelPrice>> ShippedPrices = new(LoadShippedPrices);

    private readonly FrozenDictionary<string, ModelPrice> _prices;
    private readonly FrozenDictionary<string, ModelPrice>.AlternateLookup<ReadOnlySpan<char>> _pricesBySpan;
    private readonly ConcurrentDictionary<string, ModelPrice?> _remembered = new(StringComparer.OrdinalIgnoreCase);
    private int _rememberedCount;

    /// <summary>Creates the table from the configured options.</summary>
    /// <param name="options">The pricing options.</param>
    /// <exception cref="InvalidOperationException">The pricing file cannot be read or is invalid.</exception>
    public PricingTable(IOptions<PricingOptions> options)
        : this(Build((options ?? throw new ArgumentNullException(nameof(options))).Value))
    {
    }

    private PricingTable(FrozenDictionary<string, ModelPrice> prices)
    {
        _prices = prices;
        _pricesBySpan = prices.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The number of models with a price under their exact id.</summary>
    internal int Count => _prices.Count;

    /// <summary>Creates a table from options, or from the shipped table alone when <paramref name="options"/> is <see langword="null"/>.</summary>
    /// <param name="options">The pricing options.</param>
    /// <returns>The table.</returns>
    /// <exception cref="InvalidOperationException">The pricing file cannot be read or is invalid.</exception>
    internal static PricingTable Create(PricingOptions? options = null) => new(Build(options ?? new PricingOptions()));

    /// <inheritdoc/>
    public bool TryGetPrice(string model, [NotNullWhen(true)] out ModelPrice? price)
    {
        ArgumentNullException.ThrowIfNull(model);

        if (_prices.TryGetValue(model, out price) || _remembered.TryGetValue(model, out price))
        {
            return price is not null;
        }

        price = ModelIdFallback.Resolve(model, _pricesBySpan);
        if (Volatile.Read(ref _rememberedCount) < MaxRememberedLookups && _remembered.TryAdd(model, price))
        {
            Interlocked.Increment(ref _rememberedCount);
        }

        return price is not null;
    }

    private static FrozenDictionary<string, ModelPrice> Build(PricingOptions options)
    {
        var prices = options.IncludeShippedTable
            ? new Dictionary<string, ModelPrice>(ShippedPrices.Value, StringComparer.OrdinalIgnoreCase)
            : new Dictionary<string, ModelPrice>(StringComparer.OrdinalIgnoreCase);

        if (!string.IsNullOrEmpty(options.PricingFile))
        {
            LiteLlmPriceMap.ReadInto(ReadPricingFile(options.PricingFile), $"pricing file '{options.PricingFile}'", prices);
        }

        foreach (KeyValuePair<string, ModelPrice> entry in options.Overrides)
        {
            prices[entry.Key] = entry.Value
                ?? throw new InvalidOperationException($"The pricing override for model '{entry.Key}' is null.");
        }

        return prices.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    private static byte[] ReadPricingFile(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new InvalidOperationException($"The pricing file '{path}' cannot be read: {ex.Message}", ex);
        }
    }

    private static IReadOnlyDictionary<string, ModelPrice> LoadShippedPrices()
    {
        using Stream stream = typeof(PricingTable).Assembly.GetManifestResourceStream(ShippedResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ShippedResourceName} is missing.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);

        var prices = new Dictionary<string, ModelPrice>(StringComparer.OrdinalIgnoreCase);
        LiteLlmPriceMap.ReadInto(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), $"shipped pricing table (embedded resource {ShippedResourceName})", prices);
        return prices;
    }
}
