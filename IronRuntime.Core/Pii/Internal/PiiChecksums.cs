namespace IronRuntime.Pii.Internal;

/// <summary>The checksums the detectors validate with: Luhn, ISO 7064 mod 97-10, CRC32 in base62.</summary>
internal static class PiiChecksums
{
    private const string Base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private static readonly uint[] Crc32Table = BuildCrc32Table();

    /// <summary>The Luhn check over the ASCII digits of <paramref name="text"/> (other bytes skipped).</summary>
    public static bool Luhn(ReadOnlySpan<byte> text)
    {
        int sum = 0;
        bool doubleIt = false;
        for (int i = text.Length - 1; i >= 0; i--)
        {
            int d = text[i] - '0';
            if ((uint)d > 9)
            {
                continue;
            }

            if (doubleIt)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
            doubleIt = !doubleIt;
        }

        return sum % 10 == 0;
    }

    /// <summary>ISO 7064 mod 97-10 of an IBAN (spaces skipped): the first four characters moved to the end, letters as 10–35; valid when 1.</summary>
    public static bool IbanMod97(ReadOnlySpan<byte> iban)
    {
        int remainder = 0;
        int seen = 0;
        for (int pass = 0; pass < 2; pass++)
        {
            seen = 0;
            foreach (byte b in iban)
            {
                if (b == ' ')
                {
                    continue;
                }

                bool head = seen++ < 4;
                if (head != (pass == 1))
                {
                    continue;
                }

                if (PiiAscii.IsDigit(b))
                {
                    remainder = ((remainder * 10) + (b - '0')) % 97;
                }
                else if (PiiAscii.Is(b, PiiAscii.Upper | PiiAscii.Lower))
                {
                    remainder = ((remainder * 100) + ((b & ~0x20) - 'A' + 10)) % 97;
                }
                else
                {
                    return false;
                }
            }
        }

        return seen >= 5 && remainder == 1;
    }

    /// <summary>CRC32 (IEEE) of <paramref name="data"/>, as zlib computes it.</summary>
    public static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFFu;
        foreach (byte b in data)
        {
            crc = Crc32Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return ~crc;
    }

    /// <summary>Whether <paramref name="encoded"/> (6 bytes) is <paramref name="value"/> in base62 (0-9A-Za-z), left-padded with '0'.</summary>
    public static bool IsBase62(uint value, ReadOnlySpan<byte> encoded)
    {
        for (int i = encoded.Length - 1; i >= 0; i--)
        {
            if (encoded[i] != Base62[(int)(value % 62)])
            {
                return false;
            }

            value /= 62;
        }

        return value == 0;
    }

    private static uint[] BuildCrc32Table()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
