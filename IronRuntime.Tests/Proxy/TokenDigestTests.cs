using System.Reflection;
using System.Reflection.Emit;
using System.Security.Cryptography;
using IronRuntime.Router.Proxy;

namespace IronRuntime.Tests.Proxy;

/// <summary>Agent tokens are compared as whole SHA-256 digests, in constant time.</summary>
public sealed class TokenDigestTests
{
    [Test]
    public void TryResolve_TokenDifferingOnlyInItsLastCharacter_IsRefused()
    {
        var registry = new AgentTokenRegistry();
        string token = registry.Issue("agent-1");
        char last = token[^1];
        string forged = token[..^1] + (last == 'A' ? 'B' : 'A');

        Assert.Multiple(() =>
        {
            Assert.That(registry.TryResolve(token, out string? owner), Is.True);
            Assert.That(owner, Is.EqualTo("agent-1"));
            Assert.That(registry.TryResolve(forged, out string? none), Is.False);
            Assert.That(none, Is.Null);
            Assert.That(registry.TryResolve(token + "x", out _), Is.False, "a longer token is another token");
            Assert.That(registry.TryResolve(token.AsSpan()[..^1], out _), Is.False, "a prefix is another token");
        });
    }

    [TestCase(0)]
    [TestCase(8)]
    [TestCase(15)]
    [TestCase(16)]
    [TestCase(24)]
    [TestCase(31)]
    public void Equals_DigestsDifferingInOneByte_AreDifferent(int index)
    {
        byte[] hash = SHA256.HashData("sk-iron-some-token"u8);
        byte[] other = (byte[])hash.Clone();
        other[index] ^= 0x01;

        var a = TokenDigest.FromHash(hash);
        var b = TokenDigest.FromHash(other);

        Assert.Multiple(() =>
        {
            Assert.That(a.Equals(TokenDigest.FromHash(hash)), Is.True);
            Assert.That(a.Equals(b), Is.False, $"a difference in byte {index} of 32 is seen");
            Assert.That(b.Equals(a), Is.False);
        });
    }

    /// <summary>
    /// Constant time by construction: the comparison has no conditional branch, so how long it takes cannot depend
    /// on where (or whether) the digests differ.
    /// </summary>
    [Test]
    public void Equals_HasNoConditionalBranch()
    {
        MethodInfo equals = typeof(TokenDigest).GetMethod(nameof(TokenDigest.Equals), [typeof(TokenDigest)])!;
        byte[] il = equals.GetMethodBody()!.GetILAsByteArray()!;

        Assert.That(ConditionalBranches(il), Is.Empty);
    }

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    private static List<string> ConditionalBranches(byte[] il)
    {
        var found = new List<string>();
        int i = 0;
        while (i < il.Length)
        {
            short value = il[i] == 0xFE ? (short)(0xFE00 | il[i + 1]) : il[i];
            OpCode op = OpCodesByValue[value];
            i += op.Size;
            if (op.FlowControl == FlowControl.Cond_Branch)
            {
                found.Add(op.Name!);
            }

            i += op.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, i)),
                _ => 4,
            };
        }

        return found;
    }
}
