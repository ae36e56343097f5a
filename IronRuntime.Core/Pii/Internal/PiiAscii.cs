namespace IronRuntime.Pii.Internal;

/// <summary>ASCII character classes of the detectors' grammars, as one 256-entry table (non-ASCII bytes are in none).</summary>
internal static class PiiAscii
{
    public const int Digit = 1;
    public const int Upper = 2;
    public const int Lower = 4;
    public const int Hex = 8;
    public const int EmailLocal = 16;   // [A-Za-z0-9._%+-] and the atext symbols !$'*^`{|}~
    public const int Domain = 32;       // [A-Za-z0-9.-]
    public const int KeyBody = 64;      // [A-Za-z0-9_-]
    public const int Base64Url = 128;   // [A-Za-z0-9_-]
    public const int Alnum = Digit | Upper | Lower;

    private static readonly byte[] Table = Build();

    public static bool Is(int b, int classes) => (uint)b < 256 && (Table[b] & classes) != 0;

    public static bool IsDigit(int b) => (uint)(b - '0') <= 9;

    public static bool IsUpper(int b) => (uint)(b - 'A') <= 'Z' - 'A';

    public static bool IsAlnum(int b) => Is(b, Alnum);

    /// <summary>An ASCII word character for boundaries: letters, digits and <c>_</c> (non-ASCII characters: <see cref="ScanInput.IsWordAt"/>).</summary>
    public static bool IsAsciiWord(int b) => Is(b, Alnum) || b == '_';

    public static bool IsWhitespace(int b) => b is ' ' or '\t' or '\n' or '\r' or '\f' or '\v';

    private static byte[] Build()
    {
        var table = new byte[256];
        for (int c = 0; c < 128; c++)
        {
            int flags = 0;
            bool digit = c is >= '0' and <= '9';
            bool upper = c is >= 'A' and <= 'Z';
            bool lower = c is >= 'a' and <= 'z';
            bool alnum = digit || upper || lower;
            flags |= digit ? Digit : 0;
            flags |= upper ? Upper : 0;
            flags |= lower ? Lower : 0;
            flags |= digit || c is >= 'a' and <= 'f' or >= 'A' and <= 'F' ? Hex : 0;
            flags |= alnum || c is '.' or '_' or '%' or '+' or '-' or '!' or '$' or '\'' or '*' or '^' or '`' or '{' or '|' or '}' or '~' ? EmailLocal : 0;
            flags |= alnum || c is '.' or '-' ? Domain : 0;
            flags |= alnum || c is '_' or '-' ? KeyBody | Base64Url : 0;
            table[c] = (byte)flags;
        }

        return table;
    }
}
