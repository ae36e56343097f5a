using System.Globalization;
using System.Text;
using IronRuntime.Pii;

namespace IronRuntime.Tests.Pii;

/// <summary>
/// A held-out labeled corpus, written independently of the detectors and of <see cref="PiiMultilingualCorpus"/>: its
/// own frames (Portuguese, Italian, Korean, Japanese, Arabic, Russian, Dutch, Polish, Turkish, English chat, JSON,
/// YAML, CSV, logs, HTML), its own label words, and values built here from their definitions with a fixed seed: IBANs
/// with ISO 7064 mod-97 check digits computed by the generator, cards with a Luhn check digit, GitHub tokens with
/// their CRC32, JWTs from JSON, PEM bodies from random bytes, phone numbers in each country's usual written forms.
/// Lines use the <see cref="PiiCorpus"/> labeling.
/// </summary>
internal static class PiiHeldOutCorpus
{
    private const string Base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private const string Base64Chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    private const string UrlSafe = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    /// <summary>Frames: {X} is the labeled value (with its own label or name before it).</summary>
    private static readonly string[] Frames =
    [
        "Olá equipe, segue o dado pedido {X} — qualquer dúvida me avisem.",
        "Bom dia! Conferi no sistema: {X}. Abraço.",
        "Ciao, ti giro l'informazione {X} come richiesto.",
        "Gentile cliente, il dato registrato è {X}; cordiali saluti.",
        "안녕하세요, 요청하신 정보는 {X} 입니다.",
        "확인 부탁드립니다: {X} (어제 업데이트됨)",
        "お問い合わせの件、{X} となっております。",
        "担当者メモ：{X}、至急確認してください。",
        "مرحبا، المعلومات المطلوبة: {X} مع التحية.",
        "يرجى التحقق من {X} قبل الغد.",
        "Добрый день! Данные клиента — {X}. С уважением, отдел продаж.",
        "Напоминаю: {X} (обновлено вчера)",
        "Hoi, hierbij de gegevens {X}, groet.",
        "Dzień dobry, przesyłam dane: {X}. Pozdrawiam.",
        "Merhaba, istediğiniz bilgi {X} şeklinde.",
        "> user: can you check {X} for me?\n> assistant: sure, looking now.",
        "{\"ticket\": 4821, \"note\": \"{X}\", \"status\": \"open\"}",
        "customer:\n  note: '{X}'\n  tier: gold",
        "42,\"{X}\",approved,2026",
        "[2026-11-26 09:14:02] WARN payload contained {X} in field body",
        "<tr><td>Kunde</td><td>{X}</td></tr>",
        "- [ ] follow up on {X} tomorrow",
        "(see {X})",
        "{X}",
    ];

    private static readonly string[] FirstNames = ["joão", "maria", "giulia", "niccolò", "francesca", "tiago", "ana", "luca", "chiara", "pedro", "sofia", "marco", "inês", "andrea", "beatriz"];

    private static readonly string[] LastNames = ["silva", "rossi", "ferreira", "bianchi", "costa", "romano", "santos", "esposito", "oliveira", "ricci", "pereira", "conti"];

    private static readonly string[] Domains = ["empresa.com.br", "azienda.it", "hanmail.net", "yandex.ru", "correio.pt", "mail.co.jp", "example.org", "posta.eu", "naver.com", "firma.nl"];

    public static IEnumerable<string> Lines
    {
        get
        {
            var random = new Random(20261126);
            var generators = Generators();
            foreach (string frame in Frames)
            {
                for (int round = 0; round < 3; round++)
                {
                    foreach (var (type, make) in generators)
                    {
                        var (before, value, after) = make(random);
                        yield return frame.Replace("{X}", before + "{{" + type + "|" + value + "}}" + after, StringComparison.Ordinal);
                    }
                }

                foreach (Func<Random, string> negative in Negatives())
                {
                    yield return frame.Replace("{X}", negative(random), StringComparison.Ordinal);
                }
            }
        }
    }

    private static List<(string Type, Func<Random, (string Before, string Value, string After)> Make)> Generators() =>
    [
        (PiiEntityTypes.Email, r => (Pick(r, "e-mail: ", "email ", "メール：", "이메일: ", "почта: ", "", ""), Email(r), "")),
        (PiiEntityTypes.Phone, r => (Pick(r, "telefone: ", "tel. ", "cellulare ", "전화 ", "電話：", "тел.: ", "هاتف: ", "", ""), Phone(r), "")),
        (PiiEntityTypes.Phone, r => ("", Phone(r), "")),
        (PiiEntityTypes.Ssn, r =>
        {
            string label = Pick(r, "", "SSN ", "Social Security No. ");
            string ssn = Ssn(r);
            return (label, label.Length > 0 && r.Next(3) == 0 ? ssn.Replace("-", "", StringComparison.Ordinal) : ssn, "");
        }),
        (PiiEntityTypes.CreditCard, r => (Pick(r, "cartão ", "carta di credito ", "카드 ", "カード番号：", "карта ", ""), Card(r), Pick(r, "", " validade 08/28", " CVV 311"))),
        (PiiEntityTypes.Iban, r => (Pick(r, "IBAN ", "conta ", "conto ", "счёт ", ""), Iban(r), "")),
        (PiiEntityTypes.IpAddress, r =>
        {
            // A port follows an IPv6 address in brackets (RFC 3986): "2001:db8::1:8443" is itself an address.
            bool v6 = r.Next(3) == 0;
            bool port = r.Next(2) == 0;
            return (Pick(r, "servidor ", "host ", "IP：", "") + (v6 && port ? "[" : ""), v6 ? IPv6(r) : IPv4(r), port ? (v6 ? "]:8443" : ":8443") : "");
        }),
        (PiiEntityTypes.OpenAIKey, r => (Pick(r, "OPENAI_API_KEY=", "chave ", "", "api key: "), r.Next(2) == 0 ? "sk-proj-" + Random(r, UrlSafe, 120) + "A1" : "sk-" + Random(r, Base62, 46) + "T3", "")),
        (PiiEntityTypes.AnthropicKey, r => (Pick(r, "", "ANTHROPIC_API_KEY: "), "sk-ant-api03-" + Random(r, UrlSafe, 93) + "AA", "")),
        (PiiEntityTypes.AwsAccessKey, r => (Pick(r, "aws_access_key_id=", "AccessKeyId: ", ""), Pick(r, "AKIA", "ASIA") + Random(r, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16), "")),
        (PiiEntityTypes.AwsSecretKey, r => (Pick(r, "aws_secret_access_key = ", "AWS_SECRET_ACCESS_KEY=", "SecretAccessKey: "), Random(r, Base64Chars, 40), "")),
        (PiiEntityTypes.GitHubToken, r => ("", r.Next(2) == 0 ? GitHubClassic(r) : "github_pat_11" + Random(r, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 20) + "_" + Random(r, Base62, 59), "")),
        (PiiEntityTypes.SlackToken, r => ("", Pick(r, "xoxb-", "xoxp-") + Digits(r, 12) + "-" + Digits(r, 13) + "-" + Random(r, Base62, 24), "")),
        (PiiEntityTypes.StripeKey, r => ("", Pick(r, "sk_live_", "rk_live_", "sk_test_") + Random(r, Base62, 24 + r.Next(70)) + "9x", "")),
        (PiiEntityTypes.GoogleApiKey, r => (Pick(r, "", "key="), "AIza" + Random(r, UrlSafe, 35), "")),
        (PiiEntityTypes.AzureStorageKey, r => ("DefaultEndpointsProtocol=https;AccountName=conta" + Digits(r, 3) + ";AccountKey=", Convert.ToBase64String(Bytes(r, 64)), ";EndpointSuffix=core.windows.net")),
        (PiiEntityTypes.AzureSasToken, r => r.Next(2) == 0
            ? ("https://conta" + Digits(r, 2) + ".blob.core.windows.net/dados/a.csv?sv=2024-08-04&sr=b&sp=r&sig=", Uri.EscapeDataString(Convert.ToBase64String(Bytes(r, 32))), "&se=2027-01-01")
            : ("Endpoint=sb://fila" + Digits(r, 2) + ".servicebus.windows.net/;SharedAccessKeyName=envio;SharedAccessKey=", Convert.ToBase64String(Bytes(r, 32)), "")),
        (PiiEntityTypes.NpmToken, r => (Pick(r, "NPM_TOKEN=", "//registry.npmjs.org/:_authToken=", ""), "npm_" + Random(r, Base62, 34) + "a1", "")),
        (PiiEntityTypes.GitLabToken, r => (Pick(r, "", "PRIVATE-TOKEN: "), "glpat-" + Random(r, UrlSafe, 20), "")),
        (PiiEntityTypes.HuggingFaceToken, r => ("", "hf_" + Random(r, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", 34), "")),
        (PiiEntityTypes.SendGridKey, r => ("", "SG." + Random(r, UrlSafe, 22) + "." + Random(r, UrlSafe, 43), "")),
        (PiiEntityTypes.VaultToken, r => (Pick(r, "VAULT_TOKEN=", ""), "hvs." + Random(r, UrlSafe, 90 + r.Next(30)), "")),
        (PiiEntityTypes.TwilioKey, r => ("", "SK" + Random(r, "0123456789abcdef", 30) + "0f", "")),
        (PiiEntityTypes.Secret, r => SecretAssignment(r)),
        (PiiEntityTypes.Jwt, r => (Pick(r, "Bearer ", "token=", ""), Jwt(r), "")),
        (PiiEntityTypes.PrivateKey, r => Pem(r)),
    ];

    private static List<Func<Random, string>> Negatives() =>
    [
        r => "pedido nº " + Digits(r, 9),
        r => "protocolo " + Digits(r, 10),
        r => "ordine " + Digits(r, 12),
        r => "tracking 1Z" + Random(r, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 16),
        r => "id " + Guid(r),
        r => "commit " + Random(r, "0123456789abcdef", 40),
        r => "sha256:" + Random(r, "0123456789abcdef", 64),
        r => "v" + r.Next(1, 20) + "." + r.Next(0, 40) + "." + r.Next(0, 300),
        r => "build " + r.Next(1, 10) + ".0." + r.Next(10000, 30000) + "." + r.Next(1000, 9999),
        r => "R$ " + r.Next(1, 999) + "." + Digits(r, 3) + "," + Digits(r, 2),
        r => "₩" + r.Next(1, 999) + "," + Digits(r, 3),
        r => r.Next(1, 28).ToString("00", CultureInfo.InvariantCulture) + "/" + r.Next(1, 12).ToString("00", CultureInfo.InvariantCulture) + "/2026 às " + r.Next(0, 23) + ":" + Digits(r, 2),
        r => "logo@" + r.Next(2, 4) + "x.png",
        r => "https://deploy@gitlab.example.com/" + Random(r, "abcdefghij", 6) + ".git",
        r => "IMEI " + Imei(r),
        r => "blob " + Convert.ToBase64String(Encoding.UTF8.GetBytes("relatório mensal de vendas " + Digits(r, 4))),
        r => "senha: " + Pick(r, "changeme", "password", "12345678", "${DB_PASSWORD}"),
        r => "#" + Random(r, "0123456789abcdef", 6) + " color",
        r => "ramal " + Digits(r, 4),
    ];

    private static string Email(Random r)
    {
        string first = Pick(r, FirstNames);
        string last = Pick(r, LastNames);
        string local = r.Next(4) switch
        {
            0 => first + "." + last,
            1 => first + "_" + last + r.Next(10, 99),
            2 => first[0] + "." + last + "+" + Pick(r, "news", "work", "it"),
            _ => first + last[0],
        };
        return (r.Next(5) == 0 ? local.ToUpperInvariant() : local) + "@" + Pick(r, Domains);
    }

    /// <summary>Phone numbers as each country writes them (international and national forms).</summary>
    private static string Phone(Random r)
    {
        string N() => r.Next(2, 10).ToString(CultureInfo.InvariantCulture);
        string D(int n) => Digits(r, n);
        return r.Next(30) switch
        {
            0 => "+1 " + N() + D(2) + " " + N() + D(2) + " " + D(4),
            1 => "(" + N() + D(2) + ") " + N() + D(2) + "-" + D(4),
            2 => "+44 20 " + D(4) + " " + D(4),
            3 => "+44 7" + D(3) + " " + D(6),
            4 => "020 " + r.Next(3, 9) + D(3) + " " + D(4),
            5 => "+49 30 " + D(8),
            6 => "+49 15" + D(1) + " " + D(8),
            7 => "030 " + N() + D(6),
            8 => "+33 " + r.Next(1, 8) + " " + D(2) + " " + D(2) + " " + D(2) + " " + D(2),
            9 => "0" + r.Next(1, 8) + " " + D(2) + " " + D(2) + " " + D(2) + " " + D(2),
            10 => "+39 06 " + D(4) + " " + D(4),
            11 => "+39 3" + D(2) + " " + D(3) + " " + D(4),
            12 => "+34 6" + D(2) + " " + D(3) + " " + D(3),
            13 => "+351 21 " + D(3) + " " + D(4),
            14 => "+351 9" + r.Next(1, 4) + D(1) + " " + D(3) + " " + D(3),
            15 => "+55 11 9" + D(4) + "-" + D(4),
            16 => "(21) 9" + D(4) + "-" + D(4),
            17 => "+52 55 " + D(4) + " " + D(4),
            18 => "+81 3-" + D(4) + "-" + D(4),
            19 => "090-" + D(4) + "-" + D(4),
            20 => "+82 10-" + D(4) + "-" + D(4),
            21 => "010-" + N() + D(3) + "-" + D(4),
            22 => "02-" + N() + D(2) + "-" + D(4),
            23 => "+86 1" + r.Next(3, 10) + D(1) + " " + D(4) + " " + D(4),
            24 => "+7 495 " + N() + D(2) + "-" + D(2) + "-" + D(2),
            25 => "8 (495) " + N() + D(2) + "-" + D(2) + "-" + D(2),
            26 => "+91 " + r.Next(7, 10) + D(4) + " " + D(5),
            27 => "+971 50 " + N() + D(2) + " " + D(4),
            28 => "+90 5" + D(2) + " " + D(3) + " " + D(2) + " " + D(2),
            _ => "+61 4" + D(2) + " " + D(3) + " " + D(3),
        };
    }

    private static string Ssn(Random r)
    {
        int area;
        do
        {
            area = r.Next(1, 900);
        }
        while (area == 666);

        return area.ToString("000", CultureInfo.InvariantCulture) + "-" + r.Next(1, 100).ToString("00", CultureInfo.InvariantCulture) + "-" + r.Next(1, 10000).ToString("0000", CultureInfo.InvariantCulture);
    }

    /// <summary>A card number of a real brand prefix and length with its Luhn check digit, written as people write it.</summary>
    private static string Card(Random r)
    {
        (string prefix, int length) = r.Next(6) switch
        {
            0 => ("4", 16),
            1 => ("5" + r.Next(1, 6), 16),
            2 => ("2" + r.Next(221, 721), 16),
            3 => ("3" + Pick(r, "4", "7"), 15),
            4 => ("6011", 16),
            _ => ("35" + r.Next(28, 90), 16),
        };
        string body = prefix + Digits(r, length - prefix.Length - 1);
        string number = body + LuhnDigit(body);
        if (length == 15)
        {
            return r.Next(2) == 0 ? number : number[..4] + " " + number[4..10] + " " + number[10..];
        }

        return r.Next(3) switch
        {
            0 => number,
            1 => string.Join(" ", Chunks(number, 4)),
            _ => string.Join("-", Chunks(number, 4)),
        };
    }

    private static char LuhnDigit(string body)
    {
        int sum = 0;
        for (int i = 0; i < body.Length; i++)
        {
            int d = body[body.Length - 1 - i] - '0';
            if (i % 2 == 0)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
        }

        return (char)('0' + ((10 - (sum % 10)) % 10));
    }

    /// <summary>An IBAN: country, BBAN of that country's structure, check digits computed with ISO 7064 mod 97-10.</summary>
    private static string Iban(Random r)
    {
        const string Upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
        (string country, string bban) = r.Next(10) switch
        {
            0 => ("DE", Digits(r, 18)),
            1 => ("FR", Digits(r, 10) + Random(r, Upper + "0123456789", 11) + Digits(r, 2)),
            2 => ("IT", Random(r, Upper, 1) + Digits(r, 10) + Random(r, Upper + "0123456789", 12)),
            3 => ("ES", Digits(r, 20)),
            4 => ("NL", Random(r, Upper, 4) + Digits(r, 10)),
            5 => ("PT", Digits(r, 21)),
            6 => ("GB", Random(r, Upper, 4) + Digits(r, 14)),
            7 => ("PL", Digits(r, 24)),
            8 => ("BE", Digits(r, 12)),
            _ => ("AT", Digits(r, 16)),
        };
        var numeric = new StringBuilder();
        foreach (char c in bban + country + "00")
        {
            numeric.Append(char.IsDigit(c) ? (c - '0').ToString(CultureInfo.InvariantCulture) : (c - 'A' + 10).ToString(CultureInfo.InvariantCulture));
        }

        int remainder = 0;
        foreach (char c in numeric.ToString())
        {
            remainder = ((remainder * 10) + (c - '0')) % 97;
        }

        string iban = country + (98 - remainder).ToString("00", CultureInfo.InvariantCulture) + bban;
        return r.Next(4) switch
        {
            0 => iban,
            1 => iban.ToLowerInvariant(),
            _ => string.Join(" ", Chunks(iban, 4)),
        };
    }

    private static string IPv4(Random r) => r.Next(1, 224) + "." + r.Next(0, 256) + "." + r.Next(0, 256) + "." + r.Next(1, 255);

    private static string IPv6(Random r)
    {
        string Hex() => r.Next(1, 0x10000).ToString("x", CultureInfo.InvariantCulture);
        return r.Next(2) == 0
            ? "2001:db8:" + Hex() + ":" + Hex() + "::" + Hex()
            : string.Join(":", Enumerable.Range(0, 8).Select(_ => Hex()));
    }

    /// <summary>A classic GitHub token: prefix, 30 random base62 characters, their CRC32 in 6 base62 digits.</summary>
    private static string GitHubClassic(Random r)
    {
        string body = Random(r, Base62, 30);
        uint crc = Crc32(Encoding.ASCII.GetBytes(body));
        var check = new char[6];
        for (int i = 5; i >= 0; i--)
        {
            check[i] = Base62[(int)(crc % 62)];
            crc /= 62;
        }

        return Pick(r, "ghp_", "gho_", "ghs_") + body + new string(check);
    }

    private static uint Crc32(byte[] data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
            }
        }

        return ~crc;
    }

    private static (string, string, string) SecretAssignment(Random r)
    {
        string value = Random(r, "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789", 10 + r.Next(8)) + Pick(r, "!", "#", "&", "+", "9");
        return r.Next(9) switch
        {
            0 => ("PGPASSWORD=", value, ""),
            1 => ("\"app_secret\": \"", value, "\""),
            2 => ("Server=db01;User Id=sa;Password=", value, ";"),
            3 => ("senha: ", value, ""),
            4 => ("password: ", value, ""),
            5 => ("auth_token = '", value, "'"),
            6 => ("пароль: ", value, ""),
            7 => ("mysql://admin:", value.TrimEnd('!', '#', '&', '+'), "@10.db.internal/shop"),
            _ => ("API_KEY=", value, ""),
        };
    }

    private static string Jwt(Random r)
    {
        string header = r.Next(2) == 0 ? "{\"alg\":\"HS256\",\"typ\":\"JWT\"}" : "{\"alg\":\"RS256\",\"kid\":\"" + Random(r, Base62, 8) + "\"}";
        string payload = "{\"sub\":\"" + Digits(r, 6) + "\",\"name\":\"" + Pick(r, FirstNames) + "\",\"exp\":" + (1_790_000_000 + r.Next(10_000_000)) + "}";
        return Base64Url(Encoding.UTF8.GetBytes(header)) + "." + Base64Url(Encoding.UTF8.GetBytes(payload)) + "." + Base64Url(Bytes(r, 32));
    }

    private static (string, string, string) Pem(Random r)
    {
        string kind = Pick(r, "RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY");
        string body = Convert.ToBase64String(Bytes(r, 96 + r.Next(96)));
        bool escaped = r.Next(2) == 0;
        string newline = escaped ? "\\n" : "\n";
        string key = "-----BEGIN " + kind + "-----" + newline + string.Join(newline, Chunks(body, 64)) + newline + "-----END " + kind + "-----";
        return escaped ? ("private_key: \"", key, "\\n\"") : ("", key, "");
    }

    private static string Imei(Random r)
    {
        string body = "35" + Digits(r, 12);
        return body + LuhnDigit(body);
    }

    private static string Guid(Random r) => new Guid(Bytes(r, 16)).ToString();

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] Bytes(Random r, int count)
    {
        byte[] bytes = new byte[count];
        r.NextBytes(bytes);
        return bytes;
    }

    private static string Digits(Random r, int count) => Random(r, "0123456789", count);

    private static string Random(Random r, string alphabet, int count)
    {
        var chars = new char[count];
        for (int i = 0; i < count; i++)
        {
            chars[i] = alphabet[r.Next(alphabet.Length)];
        }

        return new string(chars);
    }

    private static string Pick(Random r, params string[] options) => options[r.Next(options.Length)];

    private static IEnumerable<string> Chunks(string text, int size)
    {
        for (int i = 0; i < text.Length; i += size)
        {
            yield return text.Substring(i, Math.Min(size, text.Length - i));
        }
    }
}
