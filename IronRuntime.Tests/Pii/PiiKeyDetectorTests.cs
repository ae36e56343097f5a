using System.Text;
using IronRuntime.Pii;
using IronRuntime.Pii.Internal;

namespace IronRuntime.Tests.Pii;

/// <summary>
/// Vendor keys with a known prefix (OpenAI, Anthropic, Stripe, GitHub, Slack): each prefix held back at a chunk end,
/// each type switched off on its own, confidence per kind, and the near misses of each format. The GitHub body
/// <c>aB7cD8eF9gH0jK1mN2pQ3rS4tU5vW6</c> + <c>2M5jQM</c> carries its CRC32 in base62 (checked by hand with Python's
/// <c>zlib.crc32</c>); the checksum covers the 30 characters after the prefix, so it is valid behind every classic prefix.
/// </summary>
public sealed class PiiKeyDetectorTests
{
    private const string GitHubBody = "aB7cD8eF9gH0jK1mN2pQ3rS4tU5vW62M5jQM";
    private const string GitHubPat = "github_pat_11ABCDEFG0123456789abc_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVW";
    private const string OpenAI = "sk-proj-Ab3dEf5gHi7jKl9mNo1pQr3sTu5vWx7yZa9bCd1eFg3h";
    private const string Anthropic = "sk-ant-api03-Zy9xW8vU7tS6rQ5pO4nM3lK2jI1hG0fE-AA";
    private const string Slack = "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOp";

    /// <summary>A chunk ending in a key's prefix word (whole or begun) is held from the word on: the rest may follow.</summary>
    [TestCase("sk")]
    [TestCase("rk")]
    [TestCase("ghp")]
    [TestCase("gho")]
    [TestCase("ghu")]
    [TestCase("ghs")]
    [TestCase("ghr")]
    [TestCase("github")]
    [TestCase("gith")]
    [TestCase("xoxb")]
    [TestCase("xoxp")]
    [TestCase("xoxa")]
    [TestCase("xoxr")]
    [TestCase("xoxs")]
    [TestCase("xoxe")]
    [TestCase("xo")]
    public void Scan_ChunkEndsInPrefixWord_HeldFromTheWord(string word)
    {
        Assert.That(Settled("(" + word, KeysOnly), Is.EqualTo(1), word);
        Assert.That(Settled("(" + word, PiiTestEngine.Default), Is.EqualTo(1), word + ", every detector on");
    }

    /// <summary>A chunk end that cannot begin a key is released at once (only the key types on, so no other detector holds it).</summary>
    [TestCase("(zq", "no prefix starts with zq")]
    [TestCase("(skx", "longer than sk, no prefix starts with it")]
    [TestCase("a-sk", "glued to a key-body character: a key cannot start there")]
    [TestCase("(xoxbq", "longer than every Slack prefix")]
    public void Scan_ChunkEndCannotBeginKey_Released(string text, string why)
        => Assert.That(Settled(text, KeysOnly), Is.EqualTo(text.Length), why);

    [TestCase("ghp_" + GitHubBody, "[GITHUB_TOKEN]")]
    [TestCase("gho_" + GitHubBody, "[GITHUB_TOKEN]")]
    [TestCase("ghu_" + GitHubBody, "[GITHUB_TOKEN]")]
    [TestCase("ghs_" + GitHubBody, "[GITHUB_TOKEN]")]
    [TestCase("ghr_" + GitHubBody, "[GITHUB_TOKEN]")]
    [TestCase(GitHubPat, "[GITHUB_TOKEN]")]
    [TestCase("xoxp-123456789012-1234567890123-AbCdEfGhIjKlMnOp", "[SLACK_TOKEN]")]
    [TestCase("xoxe-123456789012-1234567890123-AbCdEfGhIjKlMnOp", "[SLACK_TOKEN]")]
    [TestCase("rk_live_51H8abcdefGHIJKLmnopQRSTuv0123", "[STRIPE_KEY]")]
    [TestCase(OpenAI, "[OPENAI_KEY]")]
    public void Redact_KeyCutAnywhere_EqualsWhole(string key, string label)
        => PiiTestEngine.AssertEverySplitRedactsTo("key (" + key + ") end", "key (" + label + ") end");

    [TestCase("token ghp_" + GitHubBody, 6, 40, PiiEntityTypes.GitHubToken, PiiConfidence.Validated)]
    [TestCase("token " + GitHubPat, 6, 93, PiiEntityTypes.GitHubToken, PiiConfidence.KnownPrefix)]
    [TestCase("token " + OpenAI, 6, 52, PiiEntityTypes.OpenAIKey, PiiConfidence.KnownPrefix)]
    [TestCase("token " + Anthropic, 6, 48, PiiEntityTypes.AnthropicKey, PiiConfidence.KnownPrefix)]
    [TestCase("token " + Slack, 6, 48, PiiEntityTypes.SlackToken, PiiConfidence.KnownPrefix)]
    [TestCase("token sk_live_51H8abcdefGHIJKLmnopQRSTuv0123", 6, 38, PiiEntityTypes.StripeKey, PiiConfidence.KnownPrefix)]
    public void Find_Key_OffsetsTypeAndConfidence(string text, int index, int length, string type, double confidence)
        => Assert.That(PiiScanner.Create().Find(text), Is.EqualTo(new[] { new PiiFinding(index, length, type, confidence) }));

    [TestCase("sk_live_Abcdefghijklmnopqrstuvwx", "24 characters, mixed case (the capital first), no digit")]
    [TestCase("sk-abcdefghij1234567890", "OpenAI: 20 characters with letters and digits")]
    [TestCase("xoxb-abcde12345", "Slack: 10 characters with letters and digits")]
    [TestCase("github_pat_11ABCDEFG0123456789abc_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRS", "github_pat_: 82 characters after github_")]
    public void Find_ShortestAcceptedKey_Found(string key, string why)
        => Assert.That(PiiTestEngine.Find("key " + key + " end").Select(f => f.Value), Is.EqualTo(new[] { key }), why);

    [TestCase("sk_live_Abcdefghijklmnopqrstuvw", "Stripe: 23 characters, no digit")]
    [TestCase("sk_live_ABCDEFGHIJKLMNOPQRSTUVWX", "Stripe: one case, no digit")]
    [TestCase("sk_live_abcDEFghiJKL", "Stripe: mixed case but short, no digit")]
    [TestCase("sk_prod_51H8abcdefGHIJKLmnopQRSTuv0123", "Stripe: neither live_ nor test_")]
    [TestCase("sk_live_51H8abcdef-GHIJKLmnopQRSTuv0123", "Stripe: a dash in the key")]
    [TestCase("sk-abcdefghij123456789", "OpenAI: 19 characters")]
    [TestCase("sk-12345678901234567890123", "OpenAI: digits only")]
    [TestCase("sk-abcdefghijklmnopqrstuvwxyz", "OpenAI: letters only")]
    [TestCase("ghp_aB7cD8eF9gH0jK1mN2pQ3rS4tU5vW6-M5jQM", "GitHub: 36 characters with a dash")]
    [TestCase("ghpx_" + GitHubBody, "GitHub: four-letter gh prefix")]
    [TestCase("abc_" + GitHubBody, "GitHub body behind a three-letter non-gh prefix")]
    [TestCase("github_abcd1234567890abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ0123", "github_ without pat_")]
    [TestCase("github_pat_11ABCDEFG0123456789abc_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJK", "github_pat_: 74 characters after github_")]
    public void Find_NearMiss_NothingFound(string text, string why)
        => Assert.That(PiiTestEngine.Find("key " + text + " end"), Is.Empty, why);

    [TestCase(PiiEntityTypes.OpenAIKey, OpenAI)]
    [TestCase(PiiEntityTypes.AnthropicKey, Anthropic)]
    [TestCase(PiiEntityTypes.GitHubToken, "ghp_" + GitHubBody)]
    [TestCase(PiiEntityTypes.GitHubToken, GitHubPat)]
    [TestCase(PiiEntityTypes.SlackToken, Slack)]
    [TestCase(PiiEntityTypes.StripeKey, "sk_live_51H8abcdefGHIJKLmnopQRSTuv0123")]
    public void Find_TypeSwitchedOff_NotFoundWhileTheOthersAre(string off, string key)
    {
        var engine = Engine(off);
        Assert.That(PiiTestEngine.Find("key " + key + " end", engine), Is.Empty, off + " off");
        Assert.That(PiiTestEngine.Find("a " + OpenAI + " b " + Anthropic + " c " + Slack, engine).Select(f => f.Type), Is.EqualTo(new[] { PiiEntityTypes.OpenAIKey, PiiEntityTypes.AnthropicKey, PiiEntityTypes.SlackToken }.Where(t => t != off)));
    }

    [Test]
    public void Scan_OpenAIOff_PendingSkKeyIsAnthropic()
    {
        var result = Engine(PiiEntityTypes.OpenAIKey).Scan("key sk-ant-api03-Zy9x"u8, default, isFinal: false, []);
        Assert.That(result, Is.EqualTo(new PiiScanResult(4, PiiEntityTypes.AnthropicKey)));
    }

    [Test]
    public void Scan_OpenAIAndAnthropicOff_SkKeyNotHeld()
    {
        var engine = Engine([.. OthersThanKeys, PiiEntityTypes.OpenAIKey, PiiEntityTypes.AnthropicKey]);
        Assert.That(engine.Scan("key (sk-abc123def456"u8, default, isFinal: false, []), Is.EqualTo(new PiiScanResult(20, null)));
        Assert.That(PiiTestEngine.Find("key " + OpenAI, engine), Is.Empty);
    }

    private static readonly string[] OthersThanKeys = [.. PiiEntityTypes.All.Except([PiiEntityTypes.OpenAIKey, PiiEntityTypes.AnthropicKey, PiiEntityTypes.StripeKey, PiiEntityTypes.GitHubToken, PiiEntityTypes.SlackToken])];

    private static readonly PiiEngine KeysOnly = Engine(OthersThanKeys);

    private static int Settled(string text, PiiEngine engine)
        => engine.Scan(Encoding.UTF8.GetBytes(text), default, isFinal: false, []).SettledLength;

    private static PiiEngine Engine(params string[] off)
    {
        var options = new PiiOptions();
        foreach (string type in off)
        {
            options.Entities[type] = false;
        }

        return new PiiEngine(options, []);
    }
}
