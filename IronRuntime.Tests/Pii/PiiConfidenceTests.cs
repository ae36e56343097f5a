using IronRuntime.Pii;
using IronRuntime.Pii.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IronRuntime.Tests.Pii;

/// <summary>
/// Confidence per detection and thresholds per entity type. Expected scores are the documented constants of
/// docs/pii.md (validated formats high, ambiguous shapes 0.35, a label adds Presidio's context factor 0.35).
/// </summary>
public sealed class PiiConfidenceTests
{
    [TestCase("IBAN DE89 3704 0044 0532 0130 00", PiiEntityTypes.Iban, 1.0)]
    [TestCase("card 4111 1111 1111 1111", PiiEntityTypes.CreditCard, 0.95)]
    [TestCase("key AKIAIOSFODNN7EXAMPLE", PiiEntityTypes.AwsAccessKey, 0.95)]
    [TestCase("token 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", PiiEntityTypes.GitHubToken, 1.0)]
    [TestCase("mail john@example.com", PiiEntityTypes.Email, 0.95)]
    [TestCase("ip 10.1.2.3", PiiEntityTypes.IpAddress, 0.85)]
    [TestCase("call +44 20 7946 0958", PiiEntityTypes.Phone, 0.95)]
    [TestCase("call (415) 555-0132", PiiEntityTypes.Phone, 0.8)]
    [TestCase("Berlin (030) 853614", PiiEntityTypes.Phone, 0.75)]
    [TestCase("Telefon (030) 853614", PiiEntityTypes.Phone, 1.0)]
    [TestCase("Tel.: 912 345 678", PiiEntityTypes.Phone, 0.7)]
    [TestCase("id 123-45-6789", PiiEntityTypes.Ssn, 0.85)]
    [TestCase("SSN: 123-45-6789", PiiEntityTypes.Ssn, 1.0)]
    [TestCase("SSN: 578611004", PiiEntityTypes.Ssn, 0.7)]
    [TestCase("DB_PASSWORD=Xk9#mP2vL7qR", PiiEntityTypes.Secret, 0.8)]
    [TestCase("postgres://app:Zp4x9QwErT@db-5.internal/app", PiiEntityTypes.Secret, 0.9)]
    public void Find_Value_CarriesItsConfidence(string text, string type, double confidence)
    {
        IReadOnlyList<PiiFinding> found = PiiScanner.Create().Find(text);
        Assert.That(found.Select(f => (f.EntityType, f.Confidence)), Is.EqualTo(new[] { (type, confidence) }).Using<(string, double)>((a, b) => a.Item1 == b.Item1 && Math.Abs(a.Item2 - b.Item2) < 1e-9));
    }

    [Test]
    public void Find_BareNineDigitsWithoutLabel_OnlyWhenTheSsnThresholdIsLowered()
    {
        const string Text = "ticket 578611004 closed";
        Assert.That(PiiScanner.Create().Find(Text), Is.Empty);

        var lowered = new PiiOptions { Thresholds = { [PiiEntityTypes.Ssn] = 0.3 } };
        Assert.That(PiiScanner.Create(lowered).Find(Text), Is.EqualTo(new[] { new PiiFinding(7, 9, PiiEntityTypes.Ssn, 0.35) }));
        Assert.That(PiiScanner.Create(lowered).Redact(Text), Is.EqualTo("ticket [SSN] closed"));
    }

    [Test]
    public void Find_LowEntropySecret_OnlyWhenTheSecretThresholdIsLowered()
    {
        // "hunterhunterh" has 2.57 bits per character (h three times; u, n, t, e, r twice): below 3, above 2.5, one
        // character class (a mix of classes would count as random).
        const string Text = "DB_PASSWORD=hunterhunterh";
        Assert.That(PiiScanner.Create().Find(Text), Is.Empty);
        var lowered = new PiiOptions { Thresholds = { [PiiEntityTypes.Secret] = 0.4 } };
        Assert.That(PiiScanner.Create(lowered).Redact(Text), Is.EqualTo("DB_PASSWORD=[SECRET]"));
        Assert.That(PiiScanner.Create(lowered).Redact("senha: 12345678"), Is.EqualTo("senha: 12345678"), "a run of consecutive characters is never a secret");
    }

    [Test]
    public void Find_ThresholdRaised_DropsTheLessCertainShapesOfThatTypeOnly()
    {
        var strict = new PiiOptions { Thresholds = { [PiiEntityTypes.Phone] = 0.9 } };
        IPiiScanner scanner = PiiScanner.Create(strict);
        Assert.That(scanner.Redact("Berlin (030) 853614, London +44 20 7946 0958, SSN 123-45-6789"), Is.EqualTo("Berlin (030) 853614, London [PHONE], SSN [SSN]"));
    }

    [Test]
    public void Find_BelowThresholdFormat_LetsAnotherFormatOfTheSameRunWin()
    {
        // Nine bare digits after a phone label: an SSN shape (0.35, no SSN label) loses to the labeled phone (0.7).
        var lowered = new PiiOptions { Thresholds = { [PiiEntityTypes.Ssn] = 0.9 } };
        Assert.That(PiiScanner.Create(lowered).Find("Tel.: 912 345 678").Single().EntityType, Is.EqualTo(PiiEntityTypes.Phone));
    }

    [Test]
    public void Streamed_LoweredThreshold_EqualsWholeForEveryCut()
    {
        var engine = new PiiEngine(new PiiOptions { Thresholds = { [PiiEntityTypes.Ssn] = 0.3, [PiiEntityTypes.Phone] = 0.3 } }, []);
        const string Text = "ids 578611004 and 12 34 56 78, then 219099999; call 030 1234567.";
        string whole = PiiTestEngine.RedactWhole(Text, engine);
        Assert.That(whole, Is.EqualTo("ids [SSN] and [PHONE], then [SSN]; call [PHONE]."));
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(Text);
        for (int cut = 1; cut < bytes.Length; cut++)
        {
            Assert.That(PiiTestEngine.RedactStreamedBytes([bytes[..cut], bytes[cut..]], engine), Is.EqualTo(whole), $"cut at {cut}");
        }
    }

    [Test]
    public async Task Thresholds_FromConfiguration_AppliedByTheScanner()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["IronRuntime:Pii:Thresholds:SSN"] = "0.3",
        }).Build();
        var services = new ServiceCollection();
        services.AddIronRuntime(config.GetSection(RuntimeConfig.SectionName));
        await using var sp = services.BuildServiceProvider();

        Assert.That(sp.GetRequiredService<IPiiScanner>().Redact("ticket 578611004"), Is.EqualTo("ticket [SSN]"));
    }

    [TestCase("1.5")]
    [TestCase("-0.1")]
    public void Thresholds_OutOfRange_FailValidationWithTheValue(string value)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["IronRuntime:Pii:Thresholds:PHONE"] = value }).Build();
        var services = new ServiceCollection();
        services.AddIronRuntime(config.GetSection(RuntimeConfig.SectionName));
        using var sp = services.BuildServiceProvider();

        Assert.That(() => sp.GetRequiredService<AgentRuntime>(), Throws.TypeOf<OptionsValidationException>().With.Message.Contain($"Pii:Thresholds:PHONE must be between 0 and 1; it is {value}"));
    }
}
