namespace IronRuntime.Pii.Detectors;

/// <summary>
/// National significant number (NSN) lengths by leading digit for 27 regions (the 20+ most common countries), so a
/// phone number is checked digit for digit: its country code, the first digit of its NSN and the NSN's length.
/// </summary>
/// <remarks>
/// Source: google/libphonenumber <c>resources/PhoneNumberMetadata.xml</c>, release v9.0.35 (16 July 2026, commit
/// f7e3e88c). For each region the <c>fixedLine</c> and <c>mobile</c> <c>nationalNumberPattern</c>s were expanded into
/// (first digit, length) pairs and intersected with their <c>possibleLengths national</c>; the country code and the
/// national (trunk) prefix are the territory's <c>countryCode</c> and <c>nationalPrefix</c>. A spec lists digit
/// groups and lengths: <c>"1:10-11 2579:6-15"</c> = an NSN starting with 1 has 10 or 11 digits, one starting with 2, 5,
/// 7 or 9 has 6 to 15. Regions sharing a country code (US and CA) have one entry.
/// </remarks>
internal static class PhoneRegions
{
    private static readonly (int CountryCode, char Trunk, string Spec)[] Table =
    [
        (1, '1', "23456789:10"), // US/CA
        (7, '8', "3489:10"), // RU
        (27, '0', "1234567:9 8:5-9"), // ZA
        (31, '0', "1234567:9 9:11"), // NL
        (32, '0', "12356789:8 4:8-9"), // BE
        (33, '0', "1234567:9"), // FR
        (34, ' ', "456789:9"), // ES
        (39, ' ', "0:6-12 3:9-10 4:10"), // IT
        (41, '0', "23456789:9"), // CH
        (43, '0', "1:4-13 2:7-13 34567:6-13"), // AT
        (44, '0', "1:9-10 27:10"), // GB
        (46, '0', "1234689:7-9 5:8-9 7:9"), // SE
        (48, ' ', "123456789:7,9"), // PL
        (49, '0', "1:10-11 2579:6-15 3468:5-15"), // DE
        (52, ' ', "23456789:10"), // MX
        (54, '0', "1236:10 9:11"), // AR
        (55, '0', "123456789:10-11"), // BR
        (61, '0', "23478:9"), // AU
        (81, '0', "12345:9 6789:9-10"), // JP
        (82, '0', "1:9-10 2:8-9 3456:5-6,9-10"), // KR
        (86, '0', "1:7-8,10-11 2:7-8,10 34578:7-11 69:7-10"), // CN
        (90, '0', "2345:10"), // TR
        (91, '0', "123456789:10"), // IN
        (351, ' ', "1269:9"), // PT
        (966, '0', "15:9"), // SA
        (971, '0', "234679:8 5:9"), // AE
    ];

    /// <summary>Per country code: a bit mask of NSN lengths per leading digit (bit n = length n).</summary>
    private static readonly Dictionary<int, int[]> ByCountryCode = Build();

    /// <summary>Per leading NSN digit, the lengths some region with trunk prefix 0 accepts.</summary>
    private static readonly int[] TrunkZero = Union('0');

    /// <summary>Per leading NSN digit, the lengths a region with trunk prefix 8 (Russia) accepts.</summary>
    private static readonly int[] TrunkEight = Union('8');

    /// <summary>
    /// Whether <paramref name="digits"/> (the digits after <c>+</c> or <c>00</c>) start with a country code of the table.
    /// </summary>
    /// <param name="digits">The digits, country code first.</param>
    /// <param name="valid">Whether the rest is a valid NSN of that country (leading digit and length).</param>
    /// <returns>False when the country is not in the table (then nothing is known).</returns>
    public static bool TryCheckInternational(ReadOnlySpan<byte> digits, out bool valid)
    {
        // Stryker disable once Boolean : read only when this returns true, after it is set again below
        valid = false;
        int code = 0;
        for (int length = 1; length <= 3 && length < digits.Length; length++)
        {
            code = (code * 10) + (digits[length - 1] - '0');
            if (ByCountryCode.TryGetValue(code, out int[]? masks))
            {
                valid = Fits(masks, digits[length..]);
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="nsn"/> (the digits after the trunk prefix <paramref name="trunk"/>, <c>0</c> or <c>8</c>) is a valid NSN of a region using that prefix.</summary>
    public static bool IsNational(char trunk, ReadOnlySpan<byte> nsn) => Fits(trunk == '8' ? TrunkEight : TrunkZero, nsn);

    private static bool Fits(int[] masks, ReadOnlySpan<byte> nsn)
    {
        // Stryker disable once Logical,Equality : a guard only; callers pass 1 to 15 digits (7+ less a 1-3 digit code, 8+ after a trunk)
        if (nsn.Length is < 1 or > 30)
        {
            return false;
        }

        return (masks[nsn[0] - '0'] & (1 << nsn.Length)) != 0;
    }

    private static Dictionary<int, int[]> Build()
    {
        var byCode = new Dictionary<int, int[]>();
        foreach (var (code, _, spec) in Table)
        {
            byCode.Add(code, Parse(spec));
        }

        return byCode;
    }

    private static int[] Union(char trunk)
    {
        int[] union = new int[10];
        foreach (var (_, regionTrunk, spec) in Table)
        {
            if (regionTrunk == trunk)
            {
                int[] masks = Parse(spec);
                for (int d = 0; d < 10; d++)
                {
                    union[d] |= masks[d];
                }
            }
        }

        return union;
    }

    /// <summary>Parses <c>"1:10-11 2579:6-15"</c> into a length mask per leading digit.</summary>
    private static int[] Parse(string spec)
    {
        int[] masks = new int[10];
        foreach (string part in spec.Split(' '))
        {
            int colon = part.IndexOf(':', StringComparison.Ordinal);
            int mask = 0;
            foreach (string range in part[(colon + 1)..].Split(','))
            {
                string[] bounds = range.Split('-');
                int from = int.Parse(bounds[0], System.Globalization.CultureInfo.InvariantCulture);
                int to = int.Parse(bounds[^1], System.Globalization.CultureInfo.InvariantCulture);
                for (int n = from; n <= to; n++)
                {
                    // Stryker disable once Assignment : each length n is set once, so ^= gives the same bits
                    mask |= 1 << n;
                }
            }

            foreach (char digit in part[..colon])
            {
                // Stryker disable once Assignment : no digit appears twice in one spec of the table, so ^= on 0 gives the same
                masks[digit - '0'] |= mask;
            }
        }

        return masks;
    }
}
