using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace IronRuntime.Router.Proxy;

/// <summary>
/// The per-agent tokens of the loopback proxy: 256 random bits each, kept only as SHA-256 digests and compared in
/// constant time (<see cref="TokenDigest"/>).
/// </summary>
internal sealed class AgentTokenRegistry
{
    /// <summary>The prefix of every token, so that a token is recognisable (and SDKs that expect <c>sk-</c> keys accept it).</summary>
    public const string Prefix = "sk-iron-";

    private const int RandomBytes = 32;

    private readonly ConcurrentDictionary<TokenDigest, string> _agents = new();

    /// <summary>How many tokens are valid.</summary>
    public int Count => _agents.Count;

    /// <summary>Issues a fresh token for <paramref name="agentId"/>.</summary>
    public string Issue(string agentId)
    {
        Span<byte> random = stackalloc byte[RandomBytes];
        RandomNumberGenerator.Fill(random);
        string token = Prefix + Base64Url.EncodeToString(random);
        TokenDigest.TryCompute(token, out var digest);
        _agents[digest] = agentId;
        return token;
    }

    /// <summary>Revokes one token; false when it was not valid.</summary>
    public bool Revoke(string token)
        => TokenDigest.TryCompute(token, out var digest) && _agents.TryRemove(digest, out _);

    /// <summary>Revokes every token of <paramref name="agentId"/>; returns how many there were.</summary>
    public int RevokeAll(string agentId)
    {
        int removed = 0;
        foreach (var entry in _agents)
        {
            if (string.Equals(entry.Value, agentId, StringComparison.Ordinal) && _agents.TryRemove(entry))
            {
                removed++;
            }
        }

        return removed;
    }

    /// <summary>The agent a presented token belongs to.</summary>
    public bool TryResolve(ReadOnlySpan<char> token, out string? agentId)
    {
        agentId = null;
        return TokenDigest.TryCompute(token, out var digest) && _agents.TryGetValue(digest, out agentId);
    }
}
