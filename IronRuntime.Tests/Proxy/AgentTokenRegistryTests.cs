using System.Buffers.Text;
using IronRuntime.Router.Proxy;

namespace IronRuntime.Tests.Proxy;

public sealed class AgentTokenRegistryTests
{
    [Test]
    public void Issue_TokenCarries256RandomBits_AndEachIsFresh()
    {
        var tokens = new AgentTokenRegistry();

        string[] issued = [.. Enumerable.Range(0, 100).Select(_ => tokens.Issue("a"))];

        Assert.Multiple(() =>
        {
            Assert.That(issued, Is.Unique);
            Assert.That(issued, Is.All.StartsWith(AgentTokenRegistry.Prefix));
            Assert.That(issued.Select(t => Base64Url.DecodeFromChars(t.AsSpan(AgentTokenRegistry.Prefix.Length)).Length), Is.All.EqualTo(32));
            Assert.That(tokens.Count, Is.EqualTo(100));
        });
    }

    [Test]
    public void TryResolve_IssuedToken_GivesItsAgent_OtherwiseNothing()
    {
        var tokens = new AgentTokenRegistry();
        string a = tokens.Issue("agent-a");
        string b = tokens.Issue("agent-b");

        Assert.Multiple(() =>
        {
            Assert.That(tokens.TryResolve(a, out string? first) ? first : null, Is.EqualTo("agent-a"));
            Assert.That(tokens.TryResolve(b, out string? second) ? second : null, Is.EqualTo("agent-b"));
            Assert.That(tokens.TryResolve(a.AsSpan(0, a.Length - 1), out _), Is.False, "a prefix is not the token");
            Assert.That(tokens.TryResolve(a + "x", out _), Is.False);
            Assert.That(tokens.TryResolve(string.Empty, out _), Is.False);
            Assert.That(tokens.TryResolve(new string('x', 100_000), out _), Is.False);
        });
    }

    [Test]
    public void Revoke_OneToken_OnlyThatOneStopsWorking()
    {
        var tokens = new AgentTokenRegistry();
        string first = tokens.Issue("a");
        string second = tokens.Issue("a");

        Assert.That(tokens.Revoke(first), Is.True);
        Assert.That(tokens.Revoke(first), Is.False);
        Assert.That(tokens.TryResolve(first, out _), Is.False);
        Assert.That(tokens.TryResolve(second, out _), Is.True);
    }

    [Test]
    public void RevokeAll_RemovesEveryTokenOfTheAgentOnly()
    {
        var tokens = new AgentTokenRegistry();
        string[] mine = [tokens.Issue("mine"), tokens.Issue("mine")];
        string theirs = tokens.Issue("theirs");

        Assert.That(tokens.RevokeAll("mine"), Is.EqualTo(2));
        Assert.That(mine.Select(t => tokens.TryResolve(t, out _)), Is.All.False);
        Assert.That(tokens.TryResolve(theirs, out _), Is.True);
    }
}
