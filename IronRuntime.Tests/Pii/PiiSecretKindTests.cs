using IronRuntime.Pii;

namespace IronRuntime.Tests.Pii;

/// <summary>
/// Secret kinds after the gitleaks rule set (config/gitleaks.toml) and Azure's SAS format: each found in context,
/// and a near miss of each left alone. Values are random strings of each vendor's documented shape.
/// </summary>
public sealed class PiiSecretKindTests
{
    private const string Sig = "qZXQ54Rr0%2BrggCGIJoaCBN9wxi6bAcbMJiwkeZ65Ho4%3D"; // 32 random bytes, base64, URL-encoded

    [TestCase("https://acct.blob.core.windows.net/c/f.txt?sv=2022-11-02&ss=b&srt=co&sp=r&se=2026-12-01T00:00:00Z&sig=" + Sig + "&spr=https", PiiEntityTypes.AzureSasToken, Sig)]
    [TestCase("BlobEndpoint=https://acct.blob.core.windows.net/;SharedAccessSignature=sv=2022-11-02&ss=b&sig=" + Sig, PiiEntityTypes.AzureSasToken, Sig)]
    [TestCase("?sig=qZXQ54Rr0+rggCGIJoaCBN9wxi6bAcbMJiwkeZ65Ho4= expires soon", PiiEntityTypes.AzureSasToken, "qZXQ54Rr0+rggCGIJoaCBN9wxi6bAcbMJiwkeZ65Ho4=")]
    [TestCase("Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=D1OuhIeOe8jGG+KPDj8wRgrFGYFzjwfC5OkQcVOc+YE=", PiiEntityTypes.AzureSasToken, "D1OuhIeOe8jGG+KPDj8wRgrFGYFzjwfC5OkQcVOc+YE=")]
    [TestCase("//registry.npmjs.org/:_authToken=npm_u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8d", PiiEntityTypes.NpmToken, "npm_u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8d")]
    [TestCase("GITLAB_TOKEN: glpat-YgCfrL1spNxnyVmihA-2", PiiEntityTypes.GitLabToken, "glpat-YgCfrL1spNxnyVmihA-2")]
    [TestCase("login with 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 please", PiiEntityTypes.HuggingFaceToken, "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")]
    [TestCase("SENDGRID_API_KEY=\"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\"", PiiEntityTypes.SendGridKey, "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")]
    [TestCase("export VAULT_TOKEN=hvs.Yn9ZhyiA4uoRgnatmUdjAWtGSU8po_799NksnRH9ucAUsdMlHUvTCQCyEZDz-TddJ8HyS5SUkCnD8zRA9a9SkpXz9w3QlY7", PiiEntityTypes.VaultToken, "hvs.Yn9ZhyiA4uoRgnatmUdjAWtGSU8po_799NksnRH9ucAUsdMlHUvTCQCyEZDz-TddJ8HyS5SUkCnD8zRA9a9SkpXz9w3QlY7")]
    [TestCase("twilio key SKc255404e4fb440034d6608697a8d41be.", PiiEntityTypes.TwilioKey, "SKc255404e4fb440034d6608697a8d41be")]
    public void Find_SecretKind_OnlyTheSecretReplaced(string text, string type, string value)
        => Assert.That(PiiTestEngine.Find(text), Is.EqualTo(new[] { (type, value) }), text);

    [TestCase("?sv=2022-11-02&sig=notAsignature&se=2026", "a sig that is not 32 bytes of base64")]
    [TestCase("?sig=qZXQ54Rr0%2BrggCGIJoaCBN9wxi6bAcbMJiwkeZ65Ho4%3DAA", "one byte too long")]
    [TestCase("design=qZXQ54Rr0%2BrggCGIJoaCBN9wxi6bAcbMJiwkeZ65Ho4%3D", "a name ending in sig is not the sig parameter")]
    [TestCase("npm_u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8", "npm: 35 characters")]
    [TestCase("the npm_config_cache variable", "npm: prose")]
    [TestCase("glpat-tooShort12", "GitLab: 10 characters")]
    [TestCase("hf_XuDLDxtpYlSXpfKtHFvUCsMehGAkWvjFA1", "Hugging Face: a digit")]
    [TestCase("SG.jORS-6ilI8ihN5KXSc7Tvo", "SendGrid: the first part only")]
    [TestCase("hvs.short_token", "Vault: too short")]
    [TestCase("SKc255404e4fb440034d6608697a8d41bz", "Twilio: not hex")]
    [TestCase("ASKc255404e4fb440034d6608697a8d41be", "Twilio: glued to a word")]
    public void Find_NearMiss_NothingFound(string text, string why)
        => Assert.That(PiiTestEngine.Find(text), Is.Empty, why);

    [Test]
    public void Streamed_SasUrlAndVendorTokens_EqualWholeForEveryCut()
    {
        string text = "get https://a.blob.core.windows.net/c?sv=2022-11-02&sig=" + Sig + "&sp=r then 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 and SKc255404e4fb440034d6608697a8d41be.";
        string whole = PiiTestEngine.RedactWhole(text);
        Assert.That(whole, Is.EqualTo("get https://a.blob.core.windows.net/c?sv=2022-11-02&sig=[AZURE_SAS_TOKEN]&sp=r then [SENDGRID_KEY] and [TWILIO_KEY]."));
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(text);
        for (int cut = 1; cut < bytes.Length; cut++)
        {
            Assert.That(PiiTestEngine.RedactStreamedBytes([bytes[..cut], bytes[cut..]]), Is.EqualTo(whole), $"cut at {cut}");
        }
    }

    /// <summary>Regression: a value cut after its '=' or inside it was released in clear (the trigger had been settled).</summary>
    [TestCase("DB_PASSWORD=Xk9#mP2vL7qR now")]
    [TestCase("\"client_secret\": \"q8Zr-4mT_p2Wx9Lk\"")]
    [TestCase("Passwort: Hx7!pQ2zW9mK.")]
    [TestCase("AccountName=a;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;")]
    public void Streamed_AssignmentCutAnywhere_EqualsWhole(string text)
    {
        string whole = PiiTestEngine.RedactWhole(text);
        Assert.That(whole, Does.Contain("["));
        for (int cut = 1; cut < text.Length; cut++)
        {
            Assert.That(PiiTestEngine.RedactStreamed([text[..cut], text[cut..]]), Is.EqualTo(whole), $"cut at {cut}");
        }
    }
}
