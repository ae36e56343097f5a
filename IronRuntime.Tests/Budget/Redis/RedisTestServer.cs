using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Garnet;
using StackExchange.Redis;

namespace IronRuntime.Tests.Budget.Redis;

/// <summary>
/// A real Redis for the tests: <c>redis-server</c> from PATH on a free loopback port (append-only file, fsync on every
/// write, so a restart keeps everything), or, without one, Microsoft Garnet in this process with Lua enabled.
/// <c>IRONRUNTIME_TEST_REDIS=garnet</c> forces Garnet.
/// </summary>
internal sealed class RedisTestServer : IAsyncDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ironruntime-redis-").FullName;
    private Process? _process;
    private GarnetServer? _garnet;

    private RedisTestServer(int port, bool garnet)
    {
        Port = port;
        IsGarnet = garnet;
    }

    /// <summary>The loopback port.</summary>
    public int Port { get; }

    /// <summary>True when the server is Garnet in process, false for redis-server.</summary>
    public bool IsGarnet { get; }

    /// <summary>A StackExchange.Redis connection string for the server (short timeouts: tests stop it on purpose).</summary>
    public string ConnectionString => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{Port},connectTimeout=2000,syncTimeout=2000,asyncTimeout=2000");

    public static async Task<RedisTestServer> StartAsync()
    {
        bool garnet = Environment.GetEnvironmentVariable("IRONRUNTIME_TEST_REDIS") == "garnet" || FindRedisServer() is null;
        for (int attempt = 0; ; attempt++)
        {
            var server = new RedisTestServer(FreePort(), garnet);
            try
            {
                await server.StartServerAsync();
                return server;
            }
            catch (Exception) when (attempt < 4)
            {
                await server.DisposeAsync(); // the port was taken between probing and binding: another one
            }
        }
    }

    /// <summary>Kills the server (SIGKILL for redis-server): what it acknowledged is in its append-only file.</summary>
    public async Task StopAsync()
    {
        if (_process is { } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
            process.Dispose();
            _process = null;
        }

        _garnet?.Dispose();
        _garnet = null;
    }

    /// <summary>Starts the server again on the same port and data directory.</summary>
    public Task RestartAsync() => StartServerAsync();

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task StartServerAsync()
    {
        if (IsGarnet)
        {
            // Garnet's command line, as its own host parses it (defaults filled in): loopback, this port, Lua on.
            _garnet = new GarnetServer(["--bind", "127.0.0.1", "--port", Port.ToString(CultureInfo.InvariantCulture), "--lua"]);
            _garnet.Start();
        }
        else
        {
            var start = new ProcessStartInfo(FindRedisServer()!,
                ["--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes",
                 "--appendfsync", "always", "--dir", _dir, "--daemonize", "no", "--protected-mode", "no", "--loglevel", "warning"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            _process = Process.Start(start)!;
            _process.OutputDataReceived += static (_, _) => { };
            _process.ErrorDataReceived += static (_, _) => { };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        // Ready once it answers PING (redis-server exits at once when the port is taken). After a restart it answers
        // "LOADING" until the append-only file is read back: a busy machine can take seconds.
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process is { HasExited: true })
            {
                throw new InvalidOperationException($"redis-server exited with {_process.ExitCode} on port {Port}.");
            }

            try
            {
                await using var probe = await ConnectionMultiplexer.ConnectAsync(ConnectionString + ",abortConnect=true,connectRetry=0");
                await probe.GetDatabase().PingAsync();
                return;
            }
            catch (Exception e) when (e is RedisConnectionException || (e is RedisServerException && e.Message.StartsWith("LOADING", StringComparison.Ordinal)))
            {
                if (deadline.Elapsed > TimeSpan.FromSeconds(20))
                {
                    throw;
                }

                await Task.Delay(50);
            }
        }
    }

    private static string? FindRedisServer()
        => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, "redis-server")).FirstOrDefault(File.Exists);

    private static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
