using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace IronRuntime.Budget.RateLimits;

/// <summary>
/// Rate limits held in this process: per limit a <see cref="MinuteWindowRateLimiter"/> (a
/// System.Threading.RateLimiting limiter over one-minute windows). A call takes from the agent's limiters, then the
/// global ones; when one refuses, what the others gave is given back, so a refused call holds nothing.
/// </summary>
internal sealed class InProcessRateLimits : IRateLimits
{
    private readonly TimeProvider _timeProvider;
    private readonly Limiters _global;
    private readonly Limiters _agentDefault;
    private readonly ConcurrentDictionary<string, Limiters> _agents = new(StringComparer.Ordinal);
    private volatile bool _active;

    public InProcessRateLimits(IOptions<RateLimitOptions> options, TimeProvider timeProvider)
    {
        var o = options.Value;
        _timeProvider = timeProvider;
        _global = Create(o.RequestsPerMinute, o.TokensPerMinute);
        _agentDefault = new Limiters(o.AgentRequestsPerMinute, o.AgentTokensPerMinute, null, null);
        _active = !_global.IsEmpty || !_agentDefault.IsEmpty;
    }

    public bool IsActive => _active;

    public ValueTask<RateAdmission> AdmitAsync(string? agentId, long tokens) => ValueTask.FromResult(Admit(agentId, tokens));

    public RateAdmission Admit(string? agentId, long tokens)
    {
        var agent = agentId is null ? null : AgentLimiters(agentId);
        var ticket = new Ticket(tokens);
        if (agent is not null && !ticket.Take(agent, agentId, tokens, out var refusal))
        {
            return RateAdmission.Refused(refusal);
        }

        if (!ticket.Take(_global, null, tokens, out refusal))
        {
            ticket.Release();
            return RateAdmission.Refused(refusal);
        }

        return RateAdmission.Admitted(ticket);
    }

    public void SetAgentLimits(string agentId, int? requestsPerMinute, long? tokensPerMinute)
    {
        if (requestsPerMinute < 1 || tokensPerMinute < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(requestsPerMinute), "A rate limit must be at least 1 per minute.");
        }

        var limiters = Create(requestsPerMinute ?? _agentDefault.RequestsPerMinute, tokensPerMinute ?? _agentDefault.TokensPerMinute);
        _agents[agentId] = limiters;
        if (!limiters.IsEmpty)
        {
            _active = true;
        }
    }

    /// <summary>The requests and tokens taken in the current minute: the global ones for a null agent.</summary>
    internal (long Requests, long Tokens) Used(string? agentId)
    {
        var limiters = agentId is null ? _global : _agents.GetValueOrDefault(agentId);
        return (limiters?.Requests?.Used ?? 0, limiters?.Tokens?.Used ?? 0);
    }

    private Limiters? AgentLimiters(string agentId)
    {
        if (_agents.TryGetValue(agentId, out var limiters))
        {
            return limiters;
        }

        return _agentDefault.IsEmpty ? null : _agents.GetOrAdd(agentId, Create(_agentDefault.RequestsPerMinute, _agentDefault.TokensPerMinute));
    }

    private Limiters Create(long? requestsPerMinute, long? tokensPerMinute)
        => new(requestsPerMinute, tokensPerMinute,
            requestsPerMinute is { } r ? new MinuteWindowRateLimiter(r, _timeProvider) : null,
            tokensPerMinute is { } t ? new MinuteWindowRateLimiter(t, _timeProvider) : null);

    private sealed record Limiters(long? RequestsPerMinute, long? TokensPerMinute, MinuteWindowRateLimiter? Requests, MinuteWindowRateLimiter? Tokens)
    {
        public bool IsEmpty => RequestsPerMinute is null && TokensPerMinute is null;
    }

    /// <summary>What one call took: up to four limiters (agent and global, requests and tokens), each with its window.</summary>
    private sealed class Ticket(long tokens) : RateTicket(tokens)
    {
        private readonly (MinuteWindowRateLimiter Limiter, long Window, bool Tokens)[] _taken = new (MinuteWindowRateLimiter, long, bool)[4];
        private int _count;

        public bool Take(Limiters limiters, string? agentId, long tokens, out RateRefusal refusal)
        {
            if (limiters.Requests is { } requests)
            {
                if (!requests.TryAcquire(1, out long window, out var retryAfter))
                {
                    refusal = new RateRefusal(RateRefusal.Requests, agentId, requests.PermitsPerMinute, 1, retryAfter);
                    return false;
                }

                _taken[_count++] = (requests, window, false);
            }

            if (limiters.Tokens is { } limiter)
            {
                if (!limiter.TryAcquire(tokens, out long window, out var retryAfter))
                {
                    refusal = new RateRefusal(RateRefusal.Tokens, agentId, limiter.PermitsPerMinute, tokens, retryAfter);
                    if (limiters.Requests is not null)
                    {
                        // Undo this account's request: it is the last taken.
                        var (taken, takenWindow, _) = _taken[--_count];
                        taken.Adjust(takenWindow, -1);
                    }

                    return false;
                }

                _taken[_count++] = (limiter, window, true);
            }

            refusal = null!;
            return true;
        }

        protected override void Give(long requests, long tokens)
        {
            for (int i = 0; i < _count; i++)
            {
                var (limiter, window, isTokens) = _taken[i];
                long delta = isTokens ? tokens : requests;
                if (delta != 0)
                {
                    limiter.Adjust(window, delta);
                }
            }
        }
    }
}
