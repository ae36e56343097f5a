using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using IronRuntime.Budget;
using IronRuntime.Budget.RateLimits;
using IronRuntime.Budget.Redis;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace IronRuntime.Benchmarks.Budget;

/// <summary>
/// The Redis ledger on loopback: one reservation and its settlement (one Lua round trip each), alone and with 64 in
/// flight from one instance. Uses <c>IRONRUNTIME_BENCH_REDIS</c> (a connection string) when set, else starts
/// <c>redis-server</c> from PATH on a free port. Baseline: one PING, the floor of a round trip. With a rate limit on,
/// the fleet's windows add one round trip before the reservation and one correction (not waited for) at the settlement.
/// </summary>
[MemoryDiagnoser]
public class RedisReserveSettleBenchmark
{
    private const int InFlight = 64;
    private const int PerWorker = 100;
    private Process? _server;
    private IConnectionMultiplexer _redis = null!;
    private RedisBudgetLedger _ledger = null!;
    private RedisRateLimits _rates = null!;

    [GlobalSetup]
    public void Setup()
    {
        string connection = Environment.GetEnvironmentVariable("IRONRUNTIME_BENCH_REDIS") ?? StartServer();
        _redis = ConnectionMultiplexer.Connect(connection);
        _ledger = new RedisBudgetLedger(_redis, ownsConnection: false,
            new RedisBudgetOptions { KeyPrefix = "bench" + Guid.NewGuid().ToString("N")[..8] }, [0.5m, 0.8m, 1.0m], TimeProvider.System, NullLogger.Instance);
        _ledger.SetLimit(null, 1_000_000m);
        _ledger.SetLimit("agent-1", 1_000_000m);
        _rates = new RedisRateLimits(_ledger, Microsoft.Extensions.Options.Options.Create(new RateLimitOptions
        {
            RequestsPerMinute = int.MaxValue, TokensPerMinute = long.MaxValue / 2, AgentRequestsPerMinute = int.MaxValue,
        }), new RedisBudgetOptions(), TimeProvider.System);
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _ledger.DisposeAsync();
        await _redis.DisposeAsync();
        if (_server is not null)
        {
            _server.Kill();
            await _server.WaitForExitAsync();
            _server.Dispose();
        }
    }

    /// <summary>The floor: one round trip (PING).</summary>
    [Benchmark(Baseline = true)]
    public Task<TimeSpan> Ping() => _redis.GetDatabase().PingAsync();

    /// <summary>One call's reservation (global + agent, worst case 500 output tokens) and its settlement.</summary>
    [Benchmark]
    public async Task<decimal> ReserveAndSettle()
    {
        var (_, r) = await _ledger.TryReserveAsync("agent-1", 0.0000241m, 0.0000006m, 500, 500);
        _ledger.Settle(r, 0.000123m);
        await _ledger.WhenSettledAsync();
        return r.Amount;
    }

    /// <summary>The same with rate limits on (global requests and tokens, agent requests): the windows' round trip first.</summary>
    [Benchmark]
    public async Task<decimal> RateLimitedReserveAndSettle()
    {
        var admission = await _rates.AdmitAsync("agent-1", 1_500);
        var (_, r) = await _ledger.TryReserveAsync("agent-1", 0.0000241m, 0.0000006m, 500, 500);
        _ledger.Settle(r, 0.000123m);
        admission.Ticket!.Settle(700);
        await _ledger.WhenSettledAsync();
        return r.Amount;
    }

    /// <summary>64 calls in flight from one instance, 100 each: time per reservation + settlement (1 / throughput).</summary>
    [Benchmark(OperationsPerInvoke = InFlight * PerWorker)]
    public async Task ReserveAndSettle_64InFlight()
    {
        var workers = new Task[InFlight];
        for (int w = 0; w < InFlight; w++)
        {
            workers[w] = Worker();
        }

        await Task.WhenAll(workers);
        await _ledger.WhenSettledAsync();

        async Task Worker()
        {
            await Task.Yield();
            for (int i = 0; i < PerWorker; i++)
            {
                var (_, r) = await _ledger.TryReserveAsync("agent-1", 0.0000241m, 0.0000006m, 500, 500);
                _ledger.Settle(r, 0.000123m);
            }
        }
    }

    private string StartServer()
    {
        int port;
        using (var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            port = ((IPEndPoint)socket.LocalEndPoint!).Port;
        }

        _server = Process.Start(new ProcessStartInfo("redis-server",
            ["--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "no"])
        {
            RedirectStandardOutput = true,
        })!;
        _server.BeginOutputReadLine();
        string connection = string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{port},abortConnect=false");
        for (int i = 0; i < 200; i++)
        {
            try
            {
                using var probe = ConnectionMultiplexer.Connect(connection + ",connectRetry=0");
                if (probe.IsConnected)
                {
                    return connection;
                }
            }
            catch (RedisConnectionException)
            {
            }

            Thread.Sleep(50);
        }

        throw new InvalidOperationException("redis-server did not start (is it on PATH?). Or set IRONRUNTIME_BENCH_REDIS.");
    }
}
