using IronRuntime.Pii.Internal;

namespace IronRuntime.Pii.Detectors;

/// <summary>
/// The password in a URL's user information (<c>postgres://app:s3cret@db:5432/app</c>, <c>redis://:pw@cache</c>),
/// triggered by <c>@</c>: <c>scheme://</c>, a user (possibly empty), <c>:</c>, and the password up to the <c>@</c>.
/// Only the password is replaced.
/// </summary>
internal sealed class UrlPasswordDetector : PiiDetector
{
    private const int MaxPart = 64;

    public override IReadOnlyList<string> EntityTypes { get; } = [PiiEntityTypes.Secret];

    public override ReadOnlySpan<byte> Triggers => "@"u8;

    public override PiiCandidate Match(in ScanInput input, int floor, int trigger)
    {
        int password = PartStart(input, trigger);
        if (password == trigger || trigger - password > MaxPart || input.At(password - 1) != ':' || password < floor)
        {
            return PiiCandidate.None;
        }

        int user = PartStart(input, password - 1);
        return password - 1 - user <= MaxPart && AfterScheme(input, user) ? PiiCandidate.Match(password, trigger, PiiEntityTypes.Secret, PiiConfidence.UrlPassword) : PiiCandidate.None;
    }

    /// <summary>Holds a tail that follows <c>scheme://</c> (it may become <c>user:password@</c>).</summary>
    public override int TailHold(in ScanInput input, int floor)
    {
        ReadOnlySpan<byte> text = input.Text;
        int s = text.Length;
        while (s > floor && text.Length - s <= (2 * MaxPart) + 1 && IsUserInfoByte(text[s - 1]))
        {
            s--;
        }

        return text.Length - s <= (2 * MaxPart) + 1 && AfterScheme(input, s) ? s : text.Length;
    }

    /// <summary>Whether <paramref name="index"/> is the start of a URL's user information (the user of <c>scheme://user</c>).</summary>
    internal static bool AfterScheme(in ScanInput input, int index)
        => input.At(index - 1) == '/' && input.At(index - 2) == '/' && input.At(index - 3) == ':' && PiiAscii.Is(input.At(index - 4), PiiAscii.Alnum);

    /// <summary>The start of the run of user-information bytes (no <c>:</c>) that ends at <paramref name="end"/>, looking back at most one part's length.</summary>
    internal static int PartStart(in ScanInput input, int end)
    {
        int s = end;
        while (end - s <= MaxPart && input.At(s - 1) is var b && b >= 0 && IsUserInfoByte(b) && b != ':')
        {
            s--;
        }

        return s;
    }

    private static bool IsUserInfoByte(int b) => b > ' ' && b is not ('/' or '@' or '?' or '#' or '"' or '\'' or '<' or '>' or '`' or 0x7F);
}
