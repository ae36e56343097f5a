using System.Text;

namespace IronRuntime.Pii.Internal;

/// <summary>
/// Context words (like Microsoft Presidio's context enhancers): a label such as <c>SSN: </c> right before a value that
/// is ambiguous on its own. Labels are matched ASCII-case-insensitively within the 28 bytes before the value, which
/// every scan sees whole or streamed (<see cref="PiiEngine.ContextBytes"/>).
/// </summary>
internal static class PiiLabels
{
    public const int MaxReach = 28;

    /// <summary>US Social Security number labels: English, German, French, Spanish, Chinese.</summary>
    public static readonly byte[][] Ssn = Build(
        "ssn", "ss#", "social security number", "social security no", "social security #", "sozialversicherungsnr",
        "sécurité sociale", "n° de sécurité sociale", "seguro social", "社会安全号码", "社会安全号", "社保号");

    /// <summary>
    /// Password and secret labels written as words in prose: English, German, French, Spanish, Chinese, Japanese,
    /// Portuguese, Italian, Russian, Korean, Arabic, Dutch, Polish, Turkish.
    /// </summary>
    public static readonly byte[][] Password = Build(
        "password", "passwort", "kennwort", "mot de passe", "contraseña", "clave", "密码", "口令", "パスワード", "secret", "geheimnis",
        "senha", "palavra-passe", "parola d'ordine", "пароль", "비밀번호", "암호", "كلمة المرور", "كلمة السر", "wachtwoord", "hasło", "şifre", "parola");

    /// <summary>Phone labels: English, German, French, Spanish, Chinese, Japanese, Russian, Arabic, Portuguese, Italian, Korean, Dutch, Polish.</summary>
    public static readonly byte[][] Phone = Build(
        "tel", "phone", "telephone", "mobile", "cell", "telefon", "handy", "téléphone", "tél", "portable", "teléfono", "móvil",
        "celular", "电话", "手机", "電話", "携帯", "телефон", "тел", "هاتف", "جوال", "telefone", "telemóvel", "telefono", "cellulare",
        "전화", "휴대폰", "telefoon", "numer telefonu");

    /// <summary>
    /// Whether one of <paramref name="labels"/> ends right before <paramref name="valueStart"/>, after at most four
    /// separators: spaces, no-break spaces, <c>:</c>, <c>：</c>, <c>#</c>, <c>=</c>, quotes, <c>.</c>, and one opening
    /// bracket <c>(</c> <c>[</c> <c>（</c> right before the value (<c>SSN (578611004)</c>, <c>ssn(578611004)</c>).
    /// </summary>
    public static bool Precedes(in ScanInput input, int valueStart, byte[][] labels)
    {
        int limit = valueStart - MaxReach;
        int end = valueStart;
        if (input.At(end - 1) is '(' or '[')
        {
            end--;
        }
        else if (input.At(end - 1) == 0x88 && input.At(end - 2) == 0xBC && input.At(end - 3) == 0xEF)
        {
            end -= 3;
        }

        for (int skipped = end == valueStart ? 0 : 1; skipped < 4 && end > limit; skipped++)
        {
            int b = input.At(end - 1);
            if (b is ' ' or '\t' or ':' or '#' or '=' or '"' or '\'' or '.')
            {
                end--;
            }
            else if (b == 0xA0 && input.At(end - 2) == 0xC2)
            {
                end -= 2;
            }
            else if (b == 0x9A && input.At(end - 2) == 0xBC && input.At(end - 3) == 0xEF)
            {
                end -= 3;
            }
            else
            {
                break;
            }
        }

        if (end == valueStart)
        {
            return false;
        }

        foreach (byte[] label in labels)
        {
            int start = end - label.Length;
            if (start >= limit && Equal(input, start, label) && !input.IsWordBefore(start))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Equal(in ScanInput input, int start, byte[] label)
    {
        for (int i = 0; i < label.Length; i++)
        {
            int b = input.At(start + i);
            if (b < 0 || (PiiAscii.IsUpper(b) ? b | 0x20 : b) != label[i])
            {
                return false;
            }
        }

        return true;
    }

    private static byte[][] Build(params string[] labels) => [.. labels.Select(Encoding.UTF8.GetBytes)];
}
