using System.Buffers;
using System.Text;
using IronRuntime.Pii;
using IronRuntime.Router;
using Microsoft.Extensions.Compliance.Redaction;
using Microsoft.Extensions.DependencyInjection;

namespace IronRuntime.Tests.Pii;

/// <summary>The builder's PII choices, resolved from a real container.</summary>
public sealed class PiiConfigurationTests
{
    [Test]
    public async Task Builder_CustomDetectorAndRedactorAndReplacement_AppliedByTheFilter()
    {
        await using var runtime = AgentRuntime.CreateBuilder()
            .WithPii(p =>
            {
                p.ResponseMode = PiiMode.Redact;
                p.Replacements[PiiEntityTypes.Phone] = "<phone>";
                p.Entities[PiiEntityTypes.IpAddress] = false;
            })
            .AddPiiDetector("EMPLOYEE_ID", @"EMP-\d{6}", value => !value.EndsWith("000000", StringComparison.Ordinal))
            .UsePiiRedactors(r => r
                .SetRedactor<ErasingRedactor>(PiiEntityTypes.Classification(PiiEntityTypes.Email))
                .SetFallbackRedactor<ReplacingRedactor>())
            .Build();
        var filter = runtime.OwnedServices!.GetRequiredService<ILlmContentFilter>();

        string redacted = Redact(filter, "Mail a@b.com, call 415-555-0132 from 10.0.0.1 about EMP-123456 (not EMP-000000).");

        Assert.That(redacted, Is.EqualTo("Mail , call ***** from 10.0.0.1 about ***** (not EMP-000000)."));
    }

    [Test]
    public async Task Replacements_WithoutRedactors_ReplaceEachTypeWithItsOwnText()
    {
        // Pii:Replacements as bound from configuration; types without an entry keep the default "[TYPE]".
        await using var runtime = AgentRuntime.CreateBuilder()
            .WithPii(p =>
            {
                p.ResponseMode = PiiMode.Redact;
                p.Replacements[PiiEntityTypes.Phone] = "<phone>";
                p.Replacements[PiiEntityTypes.Email] = "(e-mail removed)";
            })
            .Build();
        var filter = runtime.OwnedServices!.GetRequiredService<ILlmContentFilter>();

        string redacted = Redact(filter, "Mail a@b.com or call 415-555-0132, from 10.0.0.1.");

        Assert.That(redacted, Is.EqualTo("Mail (e-mail removed) or call <phone>, from [IP_ADDRESS]."));
    }

    [Test]
    public async Task Builder_Defaults_OffInBothDirections()
    {
        await using var runtime = AgentRuntime.CreateBuilder().Build();
        var filter = runtime.OwnedServices!.GetRequiredService<ILlmContentFilter>();
        var call = new LlmCall("a", 0);
        Assert.That(filter.IsEnabled(call, LlmContentDirection.Request) || filter.IsEnabled(call, LlmContentDirection.Response), Is.False);
    }

    [Test]
    public void Builder_InvalidOptions_FailValidationWithValues()
    {
        var ex = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            AgentRuntime.CreateBuilder().WithPii(p => { p.MaxHoldBackBytes = 10; p.AuditHashKey = "c2hvcnQ="; }).Build());
        Assert.That(ex!.Message, Does.Contain("Pii.MaxHoldBackBytes").And.Contain("AuditHashKey"));
    }

    private static string Redact(ILlmContentFilter filter, string text)
    {
        using var scanner = filter.CreateScanner(new LlmCall("a", 0), LlmContentDirection.Response, repeatsScannedText: false);
        var output = new ArrayBufferWriter<byte>();
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        return scanner.Scan(bytes, isFinal: true, output) == LlmTextScanStatus.Unchanged ? text : Encoding.UTF8.GetString(output.WrittenSpan);
    }

    /// <summary>A redactor that writes five stars.</summary>
    private sealed class ReplacingRedactor : Redactor
    {
        public override int GetRedactedLength(ReadOnlySpan<char> input) => 5;

        public override int Redact(ReadOnlySpan<char> source, Span<char> destination)
        {
            "*****".AsSpan().CopyTo(destination);
            return 5;
        }
    }
}
