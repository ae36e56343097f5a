using StackExchange.Redis;

namespace IronRuntime.Budget.Redis;

/// <summary>
/// The Lua scripts of the Redis ledger: each atomic step is one script, one round trip. Accounts are hashes
/// per period (<c>spent</c>, <c>reserved</c>, <c>expired</c>, in units of <see cref="RedisMoney"/>), the limits one hash
/// (field <c>g</c>, <c>a:agent</c>); a lease is a hash
/// (<c>amount</c>, <c>g</c>, <c>a</c>: the amount and the account keys it holds money in) plus its expiry in one sorted
/// set. Time is Redis's own (<c>TIME</c>), so the instances' clocks never decide when a lease expires. Every key
/// carries the prefix's hash tag, so the keys a script touches share one cluster slot.
/// </summary>
internal static class RedisBudgetScripts
{
    /// <summary>Redis's clock in milliseconds, and the charging of up to <c>max</c> expired leases.</summary>
    private const string Prelude = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local function sweep(lx, prefix, charge, max)
          local ids = redis.call('ZRANGEBYSCORE', lx, '-inf', now, 'LIMIT', 0, max)
          for i = 1, #ids do
            local lk = prefix .. ids[i]
            local v = redis.call('HMGET', lk, 'amount', 'g', 'a')
            if v[1] then
              local amount = tonumber(v[1])
              local charged = 0
              if charge == '1' then charged = amount end
              local s = string.format('%.0f', charged)
              redis.call('HINCRBY', v[2], 'reserved', string.format('%.0f', -amount))
              redis.call('HINCRBY', v[2], 'spent', s)
              redis.call('HINCRBY', v[2], 'expired', s)
              if v[3] ~= v[2] then
                redis.call('HINCRBY', v[3], 'reserved', string.format('%.0f', -amount))
                redis.call('HINCRBY', v[3], 'spent', s)
                redis.call('HINCRBY', v[3], 'expired', s)
              end
              redis.call('DEL', lk)
            end
            redis.call('ZREM', lx, ids[i])
          end
          return #ids
        end

        """;

    /// <summary>
    /// Charges expired leases (a few), then reserves <c>fixed + units × unit</c> on the global account and the agent's
    /// (the same key when the call has no agent) for the most units in [min, max] every limit affords. Returns the
    /// units reserved, or -1 when no limit affords <c>min</c>.
    /// </summary>
    public static readonly LuaScript Reserve = LuaScript.Prepare(Prelude + """
        sweep(@Leases, @LeasePrefix, @Charge, 16)
        local fixed = tonumber(@Fixed)
        local unit = tonumber(@Unit)
        local minu = tonumber(@MinUnits)
        local limits = redis.call('HMGET', @Limits, @GlobalField, @AgentField)
        local function afford(key, limit, maxu)
          if not limit then return maxu end
          local v = redis.call('HMGET', key, 'spent', 'reserved')
          local room = tonumber(limit) - tonumber(v[1] or 0) - tonumber(v[2] or 0) - fixed
          if room < 0 then return -1 end
          if unit <= 0 or maxu * unit <= room then return maxu end
          if minu == maxu then return -1 end
          local a = math.floor(room / unit)
          if a >= maxu then return maxu end
          return a
        end
        local units = afford(@Global, limits[1], tonumber(@MaxUnits))
        local hasAgent = @Agent ~= @Global
        if hasAgent and units >= minu then units = afford(@Agent, limits[2], units) end
        if units < 0 or units < minu then return -1 end
        local amount = string.format('%.0f', fixed + units * unit)
        redis.call('HINCRBY', @Global, 'reserved', amount)
        if hasAgent then redis.call('HINCRBY', @Agent, 'reserved', amount) end
        redis.call('HSET', @Lease, 'amount', amount, 'g', @Global, 'a', @Agent)
        redis.call('ZADD', @Leases, now + tonumber(@Ttl), @LeaseId)
        return units
        """);

    /// <summary>
    /// Settles a lease: releases its amount and charges the actual cost on the accounts it holds money in (those of
    /// the period it was reserved in). Idempotent: a lease already settled (or expired and charged) is left alone and
    /// nil is returned. Otherwise returns {global spent, agent spent} after the charge.
    /// </summary>
    public static readonly LuaScript Settle = LuaScript.Prepare("""
        local v = redis.call('HMGET', @Lease, 'amount', 'g', 'a')
        if not v[1] then return nil end
        local release = string.format('%.0f', -tonumber(v[1]))
        redis.call('DEL', @Lease)
        redis.call('ZREM', @Leases, @LeaseId)
        redis.call('HINCRBY', v[2], 'reserved', release)
        local gs = redis.call('HINCRBY', v[2], 'spent', @Actual)
        local as = gs
        if v[3] ~= v[2] then
          redis.call('HINCRBY', v[3], 'reserved', release)
          as = redis.call('HINCRBY', v[3], 'spent', @Actual)
        end
        return {gs, as}
        """);

    /// <summary>
    /// Charges spent money that had no lease in Redis (calls made on the local allowance while Redis was away), once
    /// per charge id. Returns {global spent, agent spent}, or nil when done before.
    /// </summary>
    public static readonly LuaScript Charge = LuaScript.Prepare("""
        if redis.call('HSETNX', @Done, @ChargeId, @Amount) == 0 then return nil end
        local gs = redis.call('HINCRBY', @Global, 'spent', @Amount)
        local as = gs
        if @Agent ~= @Global then
          as = redis.call('HINCRBY', @Agent, 'spent', @Amount)
        end
        return {gs, as}
        """);

    /// <summary>
    /// Renews the leases named in ARGV[4..] that still exist (ZADD XX never brings back a settled one) to expire
    /// ARGV[1] ms from now, then charges up to 256 expired leases. KEYS[1] is the expiry set; ARGV[2] the lease key
    /// prefix; ARGV[3] whether expired leases are charged ('1'). Returns the number of expired leases charged.
    /// </summary>
    public const string RenewAndSweep = Prelude + """
        local ttl = tonumber(ARGV[1])
        for i = 4, #ARGV do
          redis.call('ZADD', KEYS[1], 'XX', now + ttl, ARGV[i])
        end
        return sweep(KEYS[1], ARGV[2], ARGV[3], 256)
        """;
}
