using Microsoft.Extensions.Compliance.Classification;

namespace IronRuntime.Pii;

/// <summary>The entity types the built-in detectors find, and their data classifications.</summary>
/// <remarks>
/// An entity type names what was found (never the value); the default replacement is the name in brackets, for
/// example <c>[EMAIL]</c>. Each type has a <see cref="DataClassification"/> in the <see cref="TaxonomyName"/> taxonomy,
/// so a <c>Microsoft.Extensions.Compliance.Redaction</c> redactor can be chosen per type.
/// </remarks>
public static class PiiEntityTypes
{
    /// <summary>The taxonomy of the classifications: <c>IronRuntime.Pii</c>.</summary>
    public const string TaxonomyName = "IronRuntime.Pii";

    /// <summary>E-mail addresses.</summary>
    public const string Email = "EMAIL";

    /// <summary>Phone numbers (E.164, North American and common international formats).</summary>
    public const string Phone = "PHONE";

    /// <summary>US Social Security numbers.</summary>
    public const string Ssn = "SSN";

    /// <summary>Payment card numbers that pass the Luhn check.</summary>
    public const string CreditCard = "CREDIT_CARD";

    /// <summary>IBANs that pass the ISO 7064 mod-97 check with their country's length.</summary>
    public const string Iban = "IBAN";

    /// <summary>IPv4 and IPv6 addresses.</summary>
    public const string IpAddress = "IP_ADDRESS";

    /// <summary>OpenAI API keys (<c>sk-</c>, <c>sk-proj-</c>, <c>sk-svcacct-</c>, <c>sk-admin-</c>).</summary>
    public const string OpenAIKey = "OPENAI_KEY";

    /// <summary>Anthropic API keys (<c>sk-ant-</c>).</summary>
    public const string AnthropicKey = "ANTHROPIC_KEY";

    /// <summary>AWS access key ids (<c>AKIA…</c>, <c>ASIA…</c> and the other documented prefixes).</summary>
    public const string AwsAccessKey = "AWS_ACCESS_KEY";

    /// <summary>GitHub tokens (<c>ghp_</c>, <c>gho_</c>, <c>ghu_</c>, <c>ghs_</c>, <c>ghr_</c> with a valid CRC32 check, and <c>github_pat_</c>).</summary>
    public const string GitHubToken = "GITHUB_TOKEN";

    /// <summary>Slack tokens (<c>xoxb-</c>, <c>xoxp-</c>, <c>xoxa-</c>, <c>xoxr-</c>, <c>xoxs-</c>, <c>xoxe-</c>).</summary>
    public const string SlackToken = "SLACK_TOKEN";

    /// <summary>Stripe secret and restricted keys (<c>sk_live_</c>, <c>sk_test_</c>, <c>rk_live_</c>, <c>rk_test_</c>).</summary>
    public const string StripeKey = "STRIPE_KEY";

    /// <summary>Google API keys (<c>AIza</c> and 35 base64url characters).</summary>
    public const string GoogleApiKey = "GOOGLE_API_KEY";

    /// <summary>AWS secret access keys: 40 characters assigned to a name such as <c>AWS_SECRET_ACCESS_KEY</c>.</summary>
    public const string AwsSecretKey = "AWS_SECRET_KEY";

    /// <summary>Azure storage account keys (<c>AccountKey=</c> in a connection string, 88 base64 characters).</summary>
    public const string AzureStorageKey = "AZURE_STORAGE_KEY";

    /// <summary>
    /// Azure shared access signatures and keys: the <c>sig=</c> of a SAS URL or <c>SharedAccessSignature=</c> (an HMAC-SHA256,
    /// 32 bytes in URL-encoded base64) and <c>SharedAccessKey=</c> in Service Bus and Event Hubs connection strings.
    /// </summary>
    public const string AzureSasToken = "AZURE_SAS_TOKEN";

    /// <summary>npm access tokens (<c>npm_</c> and 36 alphanumerics).</summary>
    public const string NpmToken = "NPM_TOKEN";

    /// <summary>GitLab personal access tokens (<c>glpat-</c>).</summary>
    public const string GitLabToken = "GITLAB_TOKEN";

    /// <summary>Hugging Face access tokens (<c>hf_</c> and 34 letters).</summary>
    public const string HuggingFaceToken = "HUGGINGFACE_TOKEN";

    /// <summary>SendGrid API keys (<c>SG.</c>, 22 characters, <c>.</c>, 43 characters).</summary>
    public const string SendGridKey = "SENDGRID_KEY";

    /// <summary>HashiCorp Vault service and batch tokens (<c>hvs.</c>, <c>hvb.</c>).</summary>
    public const string VaultToken = "VAULT_TOKEN";

    /// <summary>Twilio API key SIDs (<c>SK</c> and 32 hex digits).</summary>
    public const string TwilioKey = "TWILIO_KEY";

    /// <summary>
    /// Passwords and secrets: values assigned to a password, secret, token or API-key name in env, YAML or JSON (with an
    /// entropy check), after a password label in prose, and the password of a URL (<c>postgres://user:pass@host</c>).
    /// </summary>
    public const string Secret = "SECRET";

    /// <summary>JSON Web Tokens whose header and payload decode to JSON objects.</summary>
    public const string Jwt = "JWT";

    /// <summary>PEM private-key blocks.</summary>
    public const string PrivateKey = "PRIVATE_KEY";

    /// <summary>Every built-in entity type.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        Email, Phone, Ssn, CreditCard, Iban, IpAddress, OpenAIKey, AnthropicKey, AwsAccessKey, GitHubToken, SlackToken, StripeKey, GoogleApiKey,
        AwsSecretKey, AzureStorageKey, AzureSasToken, NpmToken, GitLabToken, HuggingFaceToken, SendGridKey, VaultToken, TwilioKey, Secret, Jwt, PrivateKey,
    ];

    /// <summary>The data classification of an entity type (built-in or custom).</summary>
    /// <param name="entityType">The entity type, for example <see cref="Email"/>.</param>
    /// <returns>The classification <c>IronRuntime.Pii:</c><paramref name="entityType"/>.</returns>
    public static DataClassification Classification(string entityType)
    {
        ArgumentException.ThrowIfNullOrEmpty(entityType);
        return new DataClassification(TaxonomyName, entityType);
    }
}
