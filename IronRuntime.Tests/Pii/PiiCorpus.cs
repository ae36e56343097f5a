namespace IronRuntime.Tests.Pii;

/// <summary>
/// A labeled corpus: each line is a text in which every value is written <c>{{TYPE|value}}</c>; everything else,
/// the hard negatives included, must not be detected.
/// </summary>
internal static class PiiCorpus
{
    public static readonly string[] Lines =
    [
        // E-mail addresses
        "Please write to {{EMAIL|john.smith@example.com}} before Friday.",
        "Contact: {{EMAIL|support@acme-corp.io}}",
        "Send the invoice to <{{EMAIL|billing+eu@shop.example.co.uk}}>.",
        "CC {{EMAIL|a.b.c@sub.domain.example.org}}, {{EMAIL|x_y-z@test.dev}} and {{EMAIL|UPPER.Case@Example.COM}}.",
        "Her address ({{EMAIL|maria.garcia92@correo.es}}) is on file.",
        "\"email\": \"{{EMAIL|dev.ops@internal.example.net}}\"",
        "mailto:{{EMAIL|hello@startup.ai}}",
        "Reach me at {{EMAIL|j@k.io}} or on Slack.",
        "Forwarded from {{EMAIL|noreply@notifications.github.com}}:",
        "The user {{EMAIL|first.last%team@corp.example.com}} signed up.",
        "Email me at john at example dot com, not publicly.",
        "Follow @acme_support and use #help for questions.",
        "Use user@localhost only for local testing.",
        "The decorator @dataclass and @property are Python.",
        "Version pinned as package@1.2.3 in the lockfile.",

        // Phone numbers
        "Call us at {{PHONE|(415) 555-0132}} between 9 and 5.",
        "Office: {{PHONE|415-555-0199}}; fax: {{PHONE|415.555.0187}}.",
        "Toll free {{PHONE|1-800-555-0100}}.",
        "Mobile {{PHONE|+1 212 555 0143}} (after hours).",
        "London {{PHONE|+44 20 7946 0958}}, Berlin {{PHONE|+49 30 12345678}}.",
        "Paris: {{PHONE|+33 1 23 45 67 89}}",
        "Tokyo {{PHONE|+81 3-1234-5678}}",
        "India {{PHONE|+91 98765 43210}}",
        "Sydney {{PHONE|+61 2 9876 5432}}.",
        "E.164 form {{PHONE|+14155550132}} is what Twilio wants.",
        "Phone: {{PHONE|(212) 555-0175}} x204",
        "Text {{PHONE|646 555 0123}} to confirm.",
        "Order 4155550132 was shipped; tracking 1Z999AA10123456784.",
        "The meeting is 2024-03-15 10:30-11:45 in room 415.",
        "Build 10.0.19041.1 fixed it; see issue 1234-5678.",

        // SSNs
        "SSN: {{SSN|123-45-6789}}",
        "Her social security number is {{SSN|078-05-1120}}.",
        "Employee {{SSN|219 09 9999}} record updated.",
        "Numbers {{SSN|536-22-1000}} and {{SSN|001-01-0001}} are in the test set.",
        "Invalid: 000-12-3456, 666-45-6789, 912-34-5678, 123-00-4567 and 123-45-0000.",
        "Part number 123-45-67890 is not an SSN.",

        // Payment cards
        "Card number {{CREDIT_CARD|4111 1111 1111 1111}}, exp 12/27.",
        "Pay with {{CREDIT_CARD|5555-5555-5555-4444}}.",
        "Amex {{CREDIT_CARD|3782 822463 10005}} on file.",
        "Visa {{CREDIT_CARD|4242424242424242}} (test).",
        "Discover {{CREDIT_CARD|6011111111111117}}; JCB {{CREDIT_CARD|3530111333300000}}.",
        "Diners {{CREDIT_CARD|3056 930902 5904}}.",
        "Mastercard 2-series {{CREDIT_CARD|2223003122003222}}.",
        "Luhn fails: 4111 1111 1111 1112 and 1234567890123456.",
        "Invoice 4000123412341235 is not a card (fails Luhn).",
        "Timestamp 1700000000000 and order 98765432109876543.",

        // IBANs
        "IBAN: {{IBAN|DE89 3704 0044 0532 0130 00}}",
        "Transfer to {{IBAN|GB82WEST12345698765432}} today.",
        "French account {{IBAN|FR14 2004 1010 0505 0001 3M02 606}}.",
        "Norway {{IBAN|NO9386011117947}}, Netherlands {{IBAN|NL91ABNA0417164300}}.",
        "Spain {{IBAN|ES91 2100 0418 4502 0005 1332}}.",
        "Swiss {{IBAN|CH9300762011623852957}}.",
        "Bad check digits: DE88 3704 0044 0532 0130 00 and GB82WEST12345698765431.",
        "Wrong length: DE89370400440532013 is too short.",

        // IP addresses
        "The server is at {{IP_ADDRESS|192.168.1.20}}.",
        "DNS {{IP_ADDRESS|8.8.8.8}} and {{IP_ADDRESS|1.1.1.1}}.",
        "Bind to {{IP_ADDRESS|10.0.0.1}}:8080 please.",
        "IPv6 {{IP_ADDRESS|2001:db8::8a2e:370:7334}} is documentation space.",
        "Loopback {{IP_ADDRESS|::1}} and link-local {{IP_ADDRESS|fe80::1ff:fe23:4567:890a}}.",
        "Full form {{IP_ADDRESS|2001:0db8:85a3:0000:0000:8a2e:0370:7334}}.",
        "Mapped {{IP_ADDRESS|::ffff:192.0.2.128}}.",
        "Version 1.2.3 and 2.10.4.1.0 and 256.1.1.1 are not addresses.",
        "At 12:30:45 the MAC 00:1A:2B:3C:4D:5E appeared; std::vector is C++.",

        // Secrets
        "OPENAI_API_KEY={{OPENAI_KEY|sk-proj-Ab3dEf5gHi7jKl9mNo1pQr3sTu5vWx7yZa9bCd1eFg3hIj5kLm7nOp9qRs1tUv3wXy5zA}}",
        "legacy key {{OPENAI_KEY|sk-abcdefghij1234567890ABCDEFGHIJ1234567890abcdefgh}}",
        "service account {{OPENAI_KEY|sk-svcacct-Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0FeDcBa}}.",
        "ANTHROPIC_API_KEY=\"{{ANTHROPIC_KEY|sk-ant-api03-Ab3dEf5gHi7jKl9mNo1pQr3sTu5vWx7yZa9bCd1eFg3hIj5kLm7nOp-AA}}\"",
        "admin {{ANTHROPIC_KEY|sk-ant-admin01-Qw3rTy7uIo9pAs1dFg5hJk7lZx9cVb2nM4}}",
        "aws_access_key_id = {{AWS_ACCESS_KEY|AKIAIOSFODNN7EXAMPLE}}",
        "temporary {{AWS_ACCESS_KEY|ASIAY34FZKBOKMUTVV7A}}.",
        "token: {{GITHUB_TOKEN|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}}",
        "oauth {{GITHUB_TOKEN|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}}",
        "fine-grained {{GITHUB_TOKEN|github_pat_11ABCDEFG0123456789abc_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVW}}",
        "SLACK_BOT_TOKEN={{SLACK_TOKEN|xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx}}",
        "user token {{SLACK_TOKEN|xoxp-987654321098-9876543210987-ZyXwVuTsRqPoNmLk}}",
        "stripe.api_key = '{{STRIPE_KEY|sk_live_51H8abcdefGHIJKLmnopQRSTuv0123}}'",
        "restricted {{STRIPE_KEY|rk_test_4eC39HqLyjWDarjtT1zdp7dc}}",
        "Authorization: Bearer {{JWT|eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c}}",
        "unsigned {{JWT|eyJhbGciOiJub25lIn0.eyJzdWIiOiJhYmMifQ.}}",
        "Here is the key:\n{{PRIVATE_KEY|-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi+ZIAMfQyuvBjM9Oi\nZ1bKsL0w==\n-----END RSA PRIVATE KEY-----}}\nKeep it safe.",
        "{{PRIVATE_KEY|-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtz\n-----END OPENSSH PRIVATE KEY-----}}",
        "Keys look like sk-... and sk-proj-...; use the sk- prefix and sk-learn for ML.",
        "AKIA is the prefix of AWS keys; AKIAEXAMPLE is too short to be one.",
        "A fake token ghp_aB7cD8eF9gH0jK1mN2pQ3rS4tU5vW6zzzzzz fails its checksum.",
        "xoxb- tokens belong to bots; sk_live_ keys are secret.",
        "eyJ starts base64 JSON, but eyJhbGciOi.notjson.sig is not a token.",
        "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n-----END PUBLIC KEY-----",
        "-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBa\n-----END CERTIFICATE-----",

        // Vendor tokens (gitleaks rules) and Azure SAS
        "SAS URL https://acct.blob.core.windows.net/c/f?sv=2022-11-02&sp=r&sig={{AZURE_SAS_TOKEN|qZXQ54Rr0%2BrggCGIJoaCBN9wxi6bAcbMJiwkeZ65Ho4%3D}}&spr=https",
        "SharedAccessKey={{AZURE_SAS_TOKEN|D1OuhIeOe8jGG+KPDj8wRgrFGYFzjwfC5OkQcVOc+YE=}};EntityPath=orders",
        ".npmrc: //registry.npmjs.org/:_authToken={{NPM_TOKEN|npm_u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8d}}",
        "git clone https://oauth2:{{GITLAB_TOKEN|glpat-YgCfrL1spNxnyVmihA-2}}@gitlab.example.com/g/p.git",
        "HF_TOKEN={{HUGGINGFACE_TOKEN|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}}",
        "sendgrid {{SENDGRID_KEY|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}}",
        "vault token {{VAULT_TOKEN|hvs.Yn9ZhyiA4uoRgnatmUdjAWtGSU8po_799NksnRH9ucAUsdMlHUvTCQCyEZDz-TddJ8HyS5SUkCnD8zRA9a9SkpXz9w3QlY7}}",
        "Twilio API key {{TWILIO_KEY|SKc255404e4fb440034d6608697a8d41be}} (secret elsewhere).",
        "Not tokens: npm_config_cache, hf_hub, SG.1, hvs.x, SKU 4411, ?design=abc&sig=short.",

        // Hard negatives of every kind
        "UUID 123e4567-e89b-12d3-a456-426614174000 identifies the row.",
        "ISBN 978-0-306-40615-7 and ISBN-10 0-306-40615-2.",
        "Released 2024-01-15T10:30:00Z, version v3.2.1, build #4521.",
        "It costs $1,299.99 or 1.299,99 EUR; 25% off until 31/12/2025.",
        "Coordinates 37.7749, -122.4194 and altitude 52.3 m.",
        "git commit 3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39 on branch main.",
        "SHA-256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855.",
        "Call extension 4521 or room 12B; the code is 0042-17.",
    ];
}
