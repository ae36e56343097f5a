using System.Buffers;
using System.Text;
using IronRuntime.Pii;
using IronRuntime.Router;
using Microsoft.Extensions.DependencyInjection;

namespace IronRuntime.Tests.Pii;

/// <summary>The standalone API: <see cref="PiiScanner.Create"/> and <see cref="IPiiScanner"/> from the container, without the router.</summary>
public sealed class PiiScannerApiTests
{
    [Test]
    public void Redact_String_ReplacesValues()
    {
        IPiiScanner scanner = PiiScanner.Create();
        Assert.That(scanner.Redact("Mail josé@example.com, card 4111 1111 1111 1111."), Is.EqualTo("Mail [EMAIL], card [CREDIT_CARD]."));
    }

    [Test]
    public void Readme_Snippet_DoesWhatItSays()
    {
        IPiiScanner pii = PiiScanner.Create();
        string safe = pii.Redact("Mail josé@example.com, card 4111 1111 1111 1111.");
        IReadOnlyList<PiiFinding> found = pii.Find("SSN: 578611004");
        using ILlmTextScanner stream = pii.CreateStreamingScanner(LlmContentDirection.Response, agentId: "agent-1");
        Assert.That(safe, Is.EqualTo("Mail [EMAIL], card [CREDIT_CARD]."));
        // Nine bare digits score 0.35, raised by the label by Presidio's context factor 0.35 (docs/pii.md).
        Assert.That(found, Is.EqualTo(new[] { new PiiFinding(5, 9, PiiEntityTypes.Ssn, 0.7) }));
    }

    [Test]
    public void Find_String_ReturnsUtf16Positions()
    {
        const string Text = "电话：+86 139 1099 8888，邮箱 a.b@example.cn";
        var findings = PiiScanner.Create().Find(Text);
        Assert.That(findings.Select(f => (f.EntityType, Text.Substring(f.Index, f.Length))), Is.EqualTo(new[]
        {
            (PiiEntityTypes.Phone, "+86 139 1099 8888"),
            (PiiEntityTypes.Email, "a.b@example.cn"),
        }));
    }

    [Test]
    public void CreateStreamingScanner_Pieces_EqualsRedact()
    {
        var options = new PiiOptions { MaxHoldBackBytes = 256 };
        options.Replacements[PiiEntityTypes.Email] = "<email>";
        IPiiScanner scanner = PiiScanner.Create(options);
        string text = "to bob@example.org; key eyJ" + new string('x', 400) + " end";
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        using ILlmTextScanner stream = scanner.CreateStreamingScanner(LlmContentDirection.Response, "agent-1");
        var output = new ArrayBufferWriter<byte>();
        foreach (byte[] piece in bytes.Chunk(5))
        {
            PiiTestEngine.Feed(stream, piece, false, output);
        }

        PiiTestEngine.Feed(stream, [], true, output);
        Assert.That(Encoding.UTF8.GetString(output.WrittenSpan), Is.EqualTo("to <email>; key [JWT] end"));
        Assert.That(scanner.Redact(text), Is.EqualTo("to <email>; key [JWT] end"));
    }

    [Test]
    public void CreateStreamingScanner_BlockMode_Blocks()
    {
        IPiiScanner scanner = PiiScanner.Create(new PiiOptions { RequestMode = PiiMode.Block });
        using ILlmTextScanner stream = scanner.CreateStreamingScanner(LlmContentDirection.Request);
        var status = stream.Scan("SSN 123-45-6789 "u8, isFinal: true, new ArrayBufferWriter<byte>());
        Assert.That(status, Is.EqualTo(LlmTextScanStatus.Blocked));
        Assert.That(stream.BlockedEntityTypes, Is.EqualTo(new[] { PiiEntityTypes.Ssn }));
    }

    [Test]
    public async Task Container_IPiiScanner_AuditsWithTheAgentId()
    {
        var services = new ServiceCollection();
        services.AddIronRuntime();
        await using ServiceProvider provider = services.BuildServiceProvider();
        var scanner = provider.GetRequiredService<IPiiScanner>();
        using (ILlmTextScanner stream = scanner.CreateStreamingScanner(LlmContentDirection.Response, "agent-7"))
        {
            stream.Scan("write to a@example.com now"u8, isFinal: true, new ArrayBufferWriter<byte>());
        }

        var audit = provider.GetRequiredService<IPiiAuditLog>().GetRecent("agent-7");
        Assert.That(audit.Select(a => a.EntityType), Is.EqualTo(new[] { PiiEntityTypes.Email }));
    }
}
