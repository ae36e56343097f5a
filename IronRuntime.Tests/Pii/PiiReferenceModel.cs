using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using IronRuntime.Pii;

namespace IronRuntime.Tests.Pii;

/// <summary>
/// An independent reference for the streaming property tests: one regular expression per entity type, with Unicode
/// word boundaries written as lookarounds, and a validator per type written from the formats' specifications (Luhn,
/// ISO 7064 mod 97, SSA's SSN rules, RFC 7519). It shares no code with the scanner and knows nothing of streaming.
/// </summary>
/// <remarks>It covers the value formats the property generator places, not every format the scanner accepts.</remarks>
internal static partial class PiiReferenceModel
{
    private const string W = @"\p{L}\p{N}\p{M}_";

    // Letters of the alphabetic scripts an e-mail local part may use here (Latin, Greek, Cyrillic); CJK, Arabic and
    // the rest end a local part like punctuation does. A local part has at most 64 characters (RFC 5321 4.5.3.1.1), and
    // the user of a URL (scheme://user@host, scheme://user:password@host) is not an address.
    // A domain label (RFC 1035 2.3.1): letters, digits and inner hyphens; a domain's trailing dots and hyphens end a sentence.
    private const string Label = @"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?";

    private const string Local = @"A-Za-z0-9_%+\-\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u024F\u0300-\u04FF";

    // RFC 5322 3.2.3 atext symbols beyond Local, less the URL and query delimiters / ? # = &: inside a local part they
    // belong to it (a!john@example.com), before it they are punctuation like leading dots ('john@example.com'), right
    // before the '@' they make no address ({name}@example.com); a URL's user holding one is an address.
    private const string Symbol = @"!$'*\^`{|}~";

    private const string Address = $@"(?<v>[{Local}][{Local}{Symbol}.]{{0,63}}(?<![{Symbol}.])@(?:{Label}\.)+[A-Za-z]{{2,}}(?=[.-]*(?![A-Za-z0-9.-])))";

    private const string Email = $@"(?<![{Local}{Symbol}.])(?:(?<!://)|(?=[{Local}{Symbol}.]*[{Symbol}]))(?<![A-Za-z0-9]://{UserInfo}{{0,64}}:)[{Symbol}.]*{Address}";

    private static readonly Regex AtSign = new("@");
    private static readonly Regex LocalChar = new($"[{Local}{Symbol}.]");
    private static readonly Regex LocalPunctuation = new($@"[._%+\-{Symbol}]");
    private static readonly Regex AddressAt = new($@"\G[{Symbol}.]*{Address}");

    // A digit group right after another digit group and one or two separators continues that run, never starts one,
    // unless the value before it ended there, one space back (Redact: values side by side are each a value).
    // A ')' continues a run only when it closes a group of at most four digits that '(' opened (an area code).
    private const string RunBefore = @"\d[ .(-]|\d \(|\(\d{1,4}(?:\)|\) |\)-)";

    // The rest of a run after a value (one space or '(' on) that ends glued to a word: the run is part of something else.
    private const string GluedRun = @"[ (]{1,2}[0-9 .()-]*[0-9][\p{L}\p{M}_]";

    // A byte of a URL's user information: printable, not a delimiter of RFC 3986's authority, not a quote or bracket.
    private const string UserInfo = @"[^\x00-\x20/@?#""'<>`:\x7F]";

    private static readonly Func<string, bool> IsIPv6Rule = IsIPv6;

    // A numeric value right after a run (RunBefore; before '(' of an area code, a digit and a space) is one only when the
    // value before it ended there, one space back: the two are side by side (4111111111111111 5555555555554444).
    private static readonly Regex RunBeforeEnd = new($@"(?:{RunBefore})\z");
    private static readonly Regex DigitSpaceEnd = new(@"\d \z");

    private static readonly (string Type, Regex Pattern, Func<string, bool> Valid)[] Rules =
    [
        // RFC 7468 with the dashes people add (5 to 21) and the quotes, quoting and comment marks of a pasted key's lines.
        (PiiEntityTypes.PrivateKey, new Regex(@"(?<!-)-{5,21}BEGIN [A-Z ]*PRIVATE KEY-{5,21}[A-Za-z0-9+/=:,\\ \t\r\n""'>#*;|.@_-]*-{5,21}END [A-Z ]*PRIVATE KEY-{5,21}"), _ => true),
        (PiiEntityTypes.Jwt, new Regex($@"(?<![{W}.-])eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*(?![{W}-]|\.[{W}.-])"), IsJwt),
        (PiiEntityTypes.AnthropicKey, new Regex($@"(?<![{W}-])sk-ant-[A-Za-z0-9_-]{{20,}}(?![{W}-])"), _ => true),
        (PiiEntityTypes.OpenAIKey, new Regex($@"(?<![{W}-])sk-(?!ant-)[A-Za-z0-9_-]{{20,}}(?![{W}-])"), s => s.Any(char.IsAsciiDigit) && s[3..].Any(char.IsAsciiLetter)),
        (PiiEntityTypes.AwsAccessKey, new Regex($@"(?<![{W}])(?:AKIA|ASIA)[A-Z0-9]{{16}}(?![{W}])"), _ => true),
        (PiiEntityTypes.Email, new Regex(Email), s => !s[..s.IndexOf('@', StringComparison.Ordinal)].Contains("..", StringComparison.Ordinal)),
        (PiiEntityTypes.Iban, new Regex($@"(?<![{W}])[A-Z]{{2}}\d{{2}}(?: [A-Z0-9]{{4}})+(?: [A-Z0-9]{{1,3}})?(?![{W}])|(?<![{W}])[A-Z]{{2}}\d{{2}}[A-Z0-9]{{11,30}}(?![{W}])"), IsIban),
        (PiiEntityTypes.CreditCard, new Regex($@"(?<![{W}])(?:\d{{13,19}}|\d{{4}}-\d{{4}}-\d{{4}}-\d{{4}}|\d{{4}}-\d{{6}}-\d{{5}})(?![{W}]|-\d|{GluedRun})"), IsCard),
        (PiiEntityTypes.CreditCard, new Regex($@"(?<![{W}])(?:\d{{4}} \d{{4}} \d{{4}} \d{{4}}|\d{{4}} \d{{6}} \d{{5}})(?![{W}]|[ -]\d)"), IsCard),
        (PiiEntityTypes.Ssn, new Regex($@"(?<![{W}])\d{{3}}-\d{{2}}-\d{{4}}(?![{W}]|-\d|{GluedRun})"), IsSsn),

        // Nine bare digits after an SSN label and an opening bracket (SSN (578611004), ssn(578611004), SSN: [578611004]):
        // at most three spaces or colons between label and bracket. After a free-standing '(' a ')' with more digits
        // after it (one space or dash between at most) continues the digit run, as an area code's does.
        (PiiEntityTypes.Ssn, new Regex($@"(?<=(?<![{W}])(?:SSN|ssn)[ :]{{1,3}}\()\d{{9}}(?![{W}]|\)[ -]?\d)"), IsBareSsn),
        (PiiEntityTypes.Ssn, new Regex($@"(?<=(?<![{W}])(?:SSN|ssn)(?:[ :]{{0,3}}\[|\())\d{{9}}(?![{W}])"), IsBareSsn),
        (PiiEntityTypes.Phone, new Regex($@"(?<![{W}])\(\d{{3}}\) \d{{3}}-\d{{4}}(?![{W}]|-\d|{GluedRun})"), IsNanpOrPlus),
        (PiiEntityTypes.Phone, new Regex($@"(?<![{W}])(?:1-)?\d{{3}}-\d{{3}}-\d{{4}}(?![{W}]|-\d|{GluedRun})"), IsNanpOrPlus),
        (PiiEntityTypes.Phone, new Regex($@"(?<![{W}])\+[1-9]\d{{0,2}}(?: \d{{1,4}})+(?![{W}]|\d|[-.]\d|(?: \d+)+[\p{{L}}\p{{M}}_])"), IsNanpOrPlus),
        (PiiEntityTypes.IpAddress, new Regex($@"(?<![{W}.:])\d{{1,3}}(?:\.\d{{1,3}}){{3}}(?![{W}]|\.\d|-\d|{GluedRun})"), IsIPv4),

        // RFC 4291 text forms: a maximal run of hex digits, colons and dots at word boundaries, less a sentence's
        // trailing '.' or single ':' (TrimSentenceEnd); the address itself is checked by System.Net's parser.
        (PiiEntityTypes.IpAddress, new Regex($@"(?<![{W}.:])(?>[0-9A-Fa-f:.]+)(?![{W}])"), IsIPv6Rule),
        (PiiEntityTypes.GoogleApiKey, new Regex($@"(?<![{W}-])AIza[A-Za-z0-9_-]{{35}}(?![{W}-])"), _ => true),
        (PiiEntityTypes.NpmToken, new Regex($@"(?<![{W}])npm_[A-Za-z0-9]{{36}}(?![{W}])"), s => s[4..].Any(char.IsAsciiDigit) && s[4..].Any(char.IsAsciiLetter)),
        (PiiEntityTypes.HuggingFaceToken, new Regex($@"(?<![{W}])hf_[A-Za-z]{{34}}(?![{W}])"), _ => true),
        (PiiEntityTypes.TwilioKey, new Regex($@"(?<![{W}])SK[0-9a-fA-F]{{32}}(?![{W}])"), s => s[2..].Any(char.IsAsciiDigit) && s[2..].Any(char.IsAsciiLetter)),

        // RFC 3986 userinfo "user:password@" after "scheme://": only the password.
        (PiiEntityTypes.Secret, new Regex($@"(?<=[A-Za-z0-9]://{UserInfo}{{0,64}}:){UserInfo}{{1,64}}(?=@)"), _ => true),
    ];

    /// <summary>The text with every value the reference finds replaced by <c>[TYPE]</c>: leftmost first, then longest.</summary>
    public static string Redact(string text)
    {
        var hits = new List<(int Start, int End, string Type, Regex? InRun)>();
        foreach (var (type, pattern, valid) in Rules)
        {
            foreach (Match m in pattern.Matches(text))
            {
                // A rule that reads punctuation before its value names the value "v".
                Group v = m.Groups["v"];
                int index = v.Success ? v.Index : m.Index;
                string value = valid == IsIPv6Rule ? TrimSentenceEnd(m.Value) : v.Success ? v.Value : m.Value;
                if (valid(value))
                {
                    hits.Add((index, index + value.Length, type, InRunRule(type, value, valid == IsIPv6Rule)));
                }
            }
        }

        var accepted = new List<(int Start, int End, string Type)>();
        int at = 0;
        int numericEnd = -1;
        foreach (var hit in hits.OrderBy(h => h.Start).ThenByDescending(h => h.End))
        {
            if (hit.Start < at || (hit.InRun is { } run && run.IsMatch(text.AsSpan(0, hit.Start)) && (numericEnd < 0 || text[numericEnd..hit.Start] is not (" " or "(" or " ("))))
            {
                continue;
            }

            accepted.Add((hit.Start, hit.End, hit.Type));
            at = hit.End;
            numericEnd = hit.InRun is null ? -1 : hit.End;
        }

        AddAddressesAfterDecidedText(text, accepted);
        var output = new StringBuilder();
        at = 0;
        foreach (var (start, end, type) in accepted.OrderBy(h => h.Start))
        {
            output.Append(text, at, start - at).Append('[').Append(type).Append(']');
            at = end;
        }

        return output.Append(text, at, text.Length - at).ToString();
    }

    /// <summary>
    /// An address whose run of local-part characters reaches back into a value already found, or is longer than a local
    /// part (64), starts after the first punctuation character of the run within 65 characters of the '@' (the part
    /// before it went with that value): 123-45-6789-john@example.com is an SSN and an address.
    /// </summary>
    private static void AddAddressesAfterDecidedText(string text, List<(int Start, int End, string Type)> accepted)
    {
        foreach (Match m in AtSign.Matches(text))
        {
            int sign = m.Index;
            if (accepted.Any(h => h.Start <= sign && sign < h.End))
            {
                continue;
            }

            int runStart = sign;
            while (runStart > 0 && LocalChar.IsMatch(text.AsSpan(runStart - 1, 1)))
            {
                runStart--;
            }

            int floor = accepted.Where(h => h.End <= sign).Select(h => h.End).DefaultIfEmpty(0).Max();
            if (runStart >= floor && sign - runStart <= 64)
            {
                continue;
            }

            int run = Math.Max(Math.Max(runStart, floor), sign - 65);
            int k = Math.Max(run - 1, sign - 65);
            while (k < sign && !LocalPunctuation.IsMatch(text.AsSpan(k, 1)))
            {
                k++;
            }

            Match address = k < sign ? AddressAt.Match(text, k + 1) : Match.Empty;
            Group v = address.Groups["v"];
            if (address.Success && v.Index + v.Value.IndexOf('@', StringComparison.Ordinal) == sign && !v.Value[..(sign - v.Index)].Contains("..", StringComparison.Ordinal)
                && !accepted.Any(h => h.Start < v.Index + v.Length && v.Index < h.End))
            {
                accepted.Add((v.Index, v.Index + v.Length, PiiEntityTypes.Email));
            }
        }
    }

    /// <summary>For the numeric formats (not a '+' phone, not IPv6): what a run before the value looks like.</summary>
    private static Regex? InRunRule(string type, string value, bool ipv6) => type switch
    {
        PiiEntityTypes.CreditCard or PiiEntityTypes.Ssn => RunBeforeEnd,
        PiiEntityTypes.IpAddress when !ipv6 => RunBeforeEnd,
        PiiEntityTypes.Phone when value[0] == '(' => DigitSpaceEnd,
        PiiEntityTypes.Phone when char.IsAsciiDigit(value[0]) => RunBeforeEnd,
        _ => null,
    };

    private static bool IsCard(string value)
    {
        string digits = new([.. value.Where(char.IsAsciiDigit)]);
        if (digits[0] is < '2' or > '6')
        {
            return false;
        }

        int sum = 0;
        for (int i = 0; i < digits.Length; i++)
        {
            int d = digits[digits.Length - 1 - i] - '0';
            sum += i % 2 == 1 ? (d * 2 > 9 ? (d * 2) - 9 : d * 2) : d;
        }

        return sum % 10 == 0;
    }

    private static bool IsSsn(string value)
    {
        int area = int.Parse(value[..3], System.Globalization.CultureInfo.InvariantCulture);
        return area is not (0 or 666) && area < 900 && value[4..6] != "00" && value[7..] != "0000";
    }

    private static bool IsBareSsn(string value) => IsSsn($"{value[..3]}-{value[3..5]}-{value[5..]}");

    /// <summary>NANP: area code and exchange start with 2–9 (after an optional leading 1).</summary>
    /// <summary>Country code, then national numbers by leading digit and length: fixedLine and mobile of PhoneNumberMetadata.xml v9.0.35.</summary>
    private static readonly (string Code, string Spec)[] CountryNationalLengths =
    [
        ("1", "23456789:10"), ("7", "3489:10"), ("27", "1234567:9 8:5-9"), ("31", "1234567:9 9:11"), ("32", "12356789:8 4:8-9"),
        ("33", "1234567:9"), ("34", "456789:9"), ("39", "0:6-12 3:9-10 4:10"), ("41", "23456789:9"), ("43", "1:4-13 2:7-13 34567:6-13"),
        ("44", "1:9-10 27:10"), ("46", "1234689:7-9 5:8-9 7:9"), ("48", "123456789:7,9"), ("49", "1:10-11 2579:6-15 3468:5-15"),
        ("52", "23456789:10"), ("54", "1236:10 9:11"), ("55", "123456789:10-11"), ("61", "23478:9"), ("81", "12345:9 6789:9-10"),
        ("82", "1:9-10 2:8-9 3456:5-6,9-10"), ("86", "1:7-8,10-11 2:7-8,10 34578:7-11 69:7-10"), ("90", "2345:10"), ("91", "123456789:10"),
        ("351", "1269:9"), ("966", "15:9"), ("971", "234679:8 5:9"),
    ];

    private static bool IsNanpOrPlus(string value)
    {
        string digits = new([.. value.Where(char.IsAsciiDigit)]);
        if (value.StartsWith('+'))
        {
            // E.164: a country of libphonenumber's metadata (v9.0.35) fixes the national number's leading digit and
            // length; any other country code takes 8-15 digits in all.
            foreach (var (code, spec) in CountryNationalLengths)
            {
                if (digits.StartsWith(code, StringComparison.Ordinal))
                {
                    string national = digits[code.Length..];
                    return national.Length > 0 && Regex.Matches(spec, @"(\d+):([\d,-]+)").Any(m => m.Groups[1].Value.Contains(national[0], StringComparison.Ordinal)
                        && m.Groups[2].Value.Split(',').Any(r => r.Split('-') is var b && national.Length >= int.Parse(b[0], CultureInfo.InvariantCulture) && national.Length <= int.Parse(b[^1], CultureInfo.InvariantCulture)));
                }
            }

            return digits.Length is >= 8 and <= 15;
        }

        if (digits.Length == 11)
        {
            digits = digits[1..];
        }

        return digits[0] >= '2' && digits[3] >= '2';
    }

    private static bool IsIPv4(string value) => value.Split('.').All(o => (o.Length == 1 || o[0] != '0') && int.Parse(o, System.Globalization.CultureInfo.InvariantCulture) <= 255);

    /// <summary>An address may end a sentence: trailing dots, and a colon that is not half of a "::", are not part of it.</summary>
    private static string TrimSentenceEnd(string run)
    {
        while (run.Length > 0 && (run[^1] == '.' || (run[^1] == ':' && run.Length >= 2 && run[^2] != ':')))
        {
            run = run[..^1];
        }

        return run;
    }

    /// <summary>An IPv6 address by <see cref="System.Net.IPAddress.TryParse(string, out System.Net.IPAddress)"/>, with a decimal digit (<c>dead::beef</c> reads as a word).</summary>
    private static bool IsIPv6(string value)
        => value.Contains(':', StringComparison.Ordinal) && value.Any(char.IsAsciiDigit) && !value.Contains('%', StringComparison.Ordinal)
            && System.Net.IPAddress.TryParse(value, out var address) && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            && value.Split(':').All(g => g.Contains('.', StringComparison.Ordinal) ? IsIPv4(g) : g.Length <= 4);

    private static bool IsIban(string value)
    {
        string compact = value.Replace(" ", "", StringComparison.Ordinal);
        var lengths = new Dictionary<string, int> { ["DE"] = 22, ["GB"] = 22, ["FR"] = 27, ["NL"] = 18, ["ES"] = 24, ["CH"] = 21, ["NO"] = 15 };
        if (!lengths.TryGetValue(compact[..2], out int length) || compact.Length != length)
        {
            return false;
        }

        string rearranged = compact[4..] + compact[..4];
        int remainder = 0;
        foreach (char c in rearranged)
        {
            string part = char.IsAsciiDigit(c) ? c.ToString() : (c - 'A' + 10).ToString(System.Globalization.CultureInfo.InvariantCulture);
            foreach (char d in part)
            {
                remainder = ((remainder * 10) + (d - '0')) % 97;
            }
        }

        return remainder == 1;
    }

    private static bool IsJwt(string value)
    {
        string[] parts = value.Split('.');
        return parts.Length == 3 && IsJsonObject(parts[0]) && IsJsonObject(parts[1]);
    }

    private static bool IsJsonObject(string segment)
    {
        try
        {
            string padded = segment.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - (padded.Length % 4)) % 4);
            using var doc = JsonDocument.Parse(Convert.FromBase64String(padded));
            return doc.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (FormatException)
        {
            return false;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
