namespace IronRuntime.Pii.Internal;

/// <summary>
/// The confidences the built-in detectors give (0–1), after Microsoft Presidio's scheme: a validated format scores
/// high, an ambiguous shape low, and a context label before an ambiguous shape (<see cref="PiiLabels"/>) raises its
/// score by <see cref="LabelBoost"/>, Presidio's default context similarity factor. A match is reported when its score
/// reaches its type's threshold (<see cref="PiiOptions.Thresholds"/>, default <see cref="PiiOptions.DefaultThreshold"/>).
/// </summary>
internal static class PiiConfidence
{
    /// <summary>A checksum or structure proves it: IBAN mod 97, GitHub CRC32, PEM block, JWT whose parts decode to JSON.</summary>
    public const double Validated = 1.0;

    /// <summary>A vendor's documented key prefix and length (OpenAI, Anthropic, Stripe, Slack, Google, AWS key ids, Azure account keys).</summary>
    public const double KnownPrefix = 0.95;

    /// <summary>A Luhn-valid card number of 13–19 digits with a card brand's first digit, in a card's grouping.</summary>
    public const double Card = 0.95;

    /// <summary>An e-mail address: local part, <c>@</c>, a domain with an alphabetic top-level label.</summary>
    public const double Email = 0.95;

    /// <summary>A secret assigned to a name that says what it is (<c>AWS_SECRET_ACCESS_KEY=</c>, 40 base64 characters).</summary>
    public const double NamedSecret = 0.9;

    /// <summary>The password of a URL's user info (<c>postgres://user:pass@host</c>).</summary>
    public const double UrlPassword = 0.9;

    /// <summary>An IPv4 or IPv6 address (a four-part version number has the same shape).</summary>
    public const double IpAddress = 0.85;

    /// <summary>An international number whose country code, leading digit and length match libphonenumber's metadata.</summary>
    public const double PhoneInternational = 0.95;

    /// <summary>An international number of a country outside the built-in table: 8–15 digits after the prefix.</summary>
    public const double PhoneInternationalOther = 0.7;

    /// <summary>A North American 3-3-4 number (area code and exchange 2–9) with separators.</summary>
    public const double PhoneNorthAmerican = 0.8;

    /// <summary>A national number with a trunk prefix whose leading digit and length fit a country of the table.</summary>
    public const double PhoneNational = 0.75;

    /// <summary>Two or more digit groups of 7–12 digits in all: a phone number only after a phone label.</summary>
    public const double PhoneGroupsOnly = 0.35;

    /// <summary>A US SSN written 3-2-4 with dashes or spaces, within the SSA's ranges.</summary>
    public const double SsnFormatted = 0.85;

    /// <summary>Nine bare digits within the SSA's ranges: an SSN only after an SSN label.</summary>
    public const double SsnBare = 0.35;

    /// <summary>A value of at least 3 bits of entropy per character assigned to a secret's name, or after a password label.</summary>
    public const double SecretHighEntropy = 0.8;

    /// <summary>A value of 2.5–3 bits of entropy per character assigned to a secret's name (reported when the threshold is lowered).</summary>
    public const double SecretLowEntropy = 0.4;

    /// <summary>What a context label adds to an ambiguous shape (Presidio's default context similarity factor).</summary>
    public const double LabelBoost = 0.35;

    /// <summary>The score raised by a label, at most 1.</summary>
    public static double WithLabel(double confidence) => Math.Min(1.0, confidence + LabelBoost);
}
