using System.Collections.Concurrent;
using IronRuntime.Budget.RateLimits;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace IronRuntime.Budget.Redis;

/// <summary>
/// Rate limits shared by the fleet: one window per minute and account (<c>{prefix}:rl:g</c>, <c>{prefix}:rl:a:agent</c>)
/// on Redis's clock, checked and taken for the global and the agent's account in one script, one round trip (before
/// the reservation's). Corrections (a call refused for money, the usage at settle) are sent without waiting; one lost
/// leaves its window over-counted until the minute ends. The limits are this instance's configuration: every
/// instance configures the same ones. Redis unreachable → <see cref="BudgetUnavailableException"/> (503), or, with a
/// local allowance, this instance's own in-process windows.
/// </summary>
internal sealed class RedisRateLimits : IRateLimits
{
    private const string Admit = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local w = math.floor(now / 60000)
        local tokens = tonumber(ARGV[1])
        local current = {}
        for i = 1, #KEYS do
          local rpm = tonumber(ARGV[2 * i])
          local tpm = tonumber(ARGV[2 * i + 1])
          local v = redis.call('HMGET', KEYS[i], 'w', 'r', 't')
          local r, tk = 0, 0
          current[i] = tonumber(v[1]) == w
          if current[i] then r = tonumber(v[2] or 0); tk = tonumber(v[3] or 0) end
          local retry = (w + 1) * 60000 - now
          if rpm > 0 and r + 1 > rpm then return {1, i, retry} end
          if tpm > 0 and tk + tokens > tpm then
            if tokens > tpm then retry = -1 end
            return {2, i, retry}
          end
        end
        for i = 1, #KEYS do
          if current[i] then
            redis.call('HINCRBY', KEYS[i], 'r', 1)
            redis.call('HINCRBY', KEYS[i], 't', tokens)
          else
            redis.call('HSET', KEYS[i], 'w', w, 'r', 1, 't', tokens)
          end
          redis.call('PEXPIRE', KEYS[i], 120000)
        end
        return {0, w}
        """;

    private const string Adjust = """
        for i = 1, #KEYS do
          if tonumber(redis.call('HGET', KEYS[i], 'w')) == tonumber(ARGV[1]) then
            if redis.call('HINCRBY', KEYS[i], 'r', ARGV[2]) < 0 then redis.call('HSET', KEYS[i], 'r', 0) end
            if redis.call('HINCRBY', KEYS[i], 't', ARGV[3]) < 0 then redis.call('HSET', KEYS[i], 't', 0) end
          end
        end
        return 0
        """;

    private readonly RedisBudgetLedger _ledger;
    private readonly RateLimitOptions _options;
    private readonly InProcessRateLimits? _local;
    private readonly RedisKey _globalKey;
    private readonly ConcurrentDictionary<string, (long? Requests, long? Tokens)> _agents = new(StringComparer.Ordinal);
    private volatile bool _active;

    public RedisRateLimits(RedisBudgetLedger ledger, IOptions<RateLimitOptions> options, RedisBudgetOptions redis, TimeProvider timeProvider)
    {
        _ledger = ledger;
        _options = options.Value;
        _local = redis.LocalAllowance is null ? null : new InProcessRateLimits(options, timeProvider);
        _globalKey = ledger.KeyTag + "rl:g";
        _active = _options.RequestsPerMinute is not null || _options.TokensPerMinute is not null
                  || _options.AgentRequestsPerMinute is not null || _options.AgentTokensPerMinute is not null;
    }

    public bool IsActive => _active;

    public async ValueTask<RateAdmission> AdmitAsync(string? agentId, long tokens)
    {
        var (agentRequests, agentTokens) = agentId is null ? default
            : _agents.TryGetValue(agentId, out var own) ? own : (_options.AgentRequestsPerMinute, _options.AgentTokensPerMinute);
        bool agentLimited = agentId is not null && (agentRequests is not null || agentTokens is not null);
        bool globalLimited = _options.RequestsPerMinute is not null || _options.TokensPerMinute is not null;
        if (!agentLimited && !globalLimited)
        {
            return RateAdmission.Admitted(new Ticket(this, [], 0, tokens));
        }

        var keys = new List<RedisKey>(2);
        var args = new List<RedisValue> { tokens };
        if (agentLimited)
        {
            keys.Add(_ledger.KeyTag + "rl:a:" + agentId);
            args.Add(agentRequests ?? 0);
            args.Add(agentTokens ?? 0);
        }

        if (globalLimited)
        {
            keys.Add(_globalKey);
            args.Add(_options.RequestsPerMinute ?? 0);
            args.Add(_options.TokensPerMinute ?? 0);
        }

        RedisResult[] result;
        try
        {
            result = (RedisResult[])(await _ledger.Database.ScriptEvaluateAsync(Admit, [.. keys], [.. args]).ConfigureAwait(false))!;
        }
        catch (Exception ex) when (RedisBudgetLedger.IsUnavailable(ex))
        {
            if (_local is not null)
            {
                return _local.Admit(agentId, tokens);
            }

            throw new BudgetUnavailableException("The Redis budget ledger cannot be reached.", ex);
        }

        long kind = (long)result[0];
        if (kind == 0)
        {
            return RateAdmission.Admitted(new Ticket(this, [.. keys], (long)result[1], tokens));
        }

        bool isAgent = agentLimited && (long)result[1] == 1;
        long retryMs = (long)result[2];
        bool requests = kind == 1;
        long perMinute = isAgent ? (requests ? agentRequests : agentTokens) ?? 0 : (requests ? _options.RequestsPerMinute : _options.TokensPerMinute) ?? 0;
        return RateAdmission.Refused(new RateRefusal(requests ? RateRefusal.Requests : RateRefusal.Tokens, isAgent ? agentId : null, perMinute,
            requests ? 1 : tokens, retryMs < 0 ? null : TimeSpan.FromMilliseconds(retryMs)));
    }

    public void SetAgentLimits(string agentId, int? requestsPerMinute, long? tokensPerMinute)
    {
        if (requestsPerMinute < 1 || tokensPerMinute < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(requestsPerMinute), "A rate limit must be at least 1 per minute.");
        }

        var limits = (requestsPerMinute ?? (long?)_options.AgentRequestsPerMinute, tokensPerMinute ?? _options.AgentTokensPerMinute);
        _agents[agentId] = limits;
        _local?.SetAgentLimits(agentId, requestsPerMinute, tokensPerMinute);
        if (limits.Item1 is not null || limits.Item2 is not null)
        {
            _active = true;
        }
    }

    private void Send(RedisKey[] keys, long window, long requests, long tokens)
    {
        if (keys.Length == 0)
        {
            return;
        }

        try
        {
            _ledger.Database.ScriptEvaluate(Adjust, keys, [window, requests, tokens], CommandFlags.FireAndForget);
        }
        catch (Exception ex) when (RedisBudgetLedger.IsUnavailable(ex))
        {
            // Lost: the window stays over-counted until its minute ends (never under-counted).
        }
    }

    private sealed class Ticket(RedisRateLimits owner, RedisKey[] keys, long window, long tokens) : RateTicket(tokens)
    {
        protected override void Give(long requests, long tokens) => owner.Send(keys, window, requests, tokens);
    }
}
