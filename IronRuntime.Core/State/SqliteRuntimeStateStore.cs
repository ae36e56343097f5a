using System.Threading.Channels;
using IronRuntime.Agents;
using IronRuntime.Internal;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace IronRuntime.State;

/// <summary>
/// The default state store: a SQLite file (WAL, <c>synchronous=NORMAL</c>: a commit survives a process kill) written by
/// one background task in batches, one transaction per batch — a group commit shared by every reservation, record
/// and total queued meanwhile. Running totals per account are kept in the <c>totals</c> table by the same writer, so
/// start-up reads a handful of rows whatever the number of calls. Nothing touches the disk before first use.
/// Money is stored as exact decimal text.
/// </summary>
internal sealed partial class SqliteRuntimeStateStore : IRuntimeStateStore, IDurableReservations, IRuntimeHistory, IAsyncDisposable
{
    private const int BatchSize = 1024;
    private const string GlobalAccount = "";

    private readonly string _databasePath;
    private readonly int _queueCapacity;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Channel<object> _queue = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = true });
    private readonly Lock _openLock = new();
    private readonly Dictionary<string, StateTotals> _totals = new(StringComparer.Ordinal);
    private readonly SpendRollup _rollup = new();
    private SqliteConnection? _connection;
    private StoredRuntimeState? _loaded;
    private Task? _writer;
    private volatile bool _open;
    private bool _disposed;
    private long _queued;
    private long _dropped;
    private long _nextReservationId;

    public SqliteRuntimeStateStore(string databasePath, int queueCapacity, TimeProvider timeProvider, ILogger logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(databasePath);
        _databasePath = databasePath;
        _queueCapacity = queueCapacity;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>Records dropped because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public void Append(CallRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        EnqueueDroppable(record);
    }

    public void AppendAudit(Pii.PiiAuditEvent auditEvent)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        EnqueueDroppable(auditEvent);
    }

    public void AppendAgentRun(AgentRunRecord run)
    {
        ArgumentNullException.ThrowIfNull(run);
        EnsureOpen();
        _queue.Writer.TryWrite(run); // never dropped: one row per agent start and end
    }

    public ValueTask<long> ReserveAsync(string? agentId, string model, decimal amount)
    {
        EnsureOpen();
        var pending = new PendingReservation(Interlocked.Increment(ref _nextReservationId), _timeProvider.GetUtcNow(), agentId, model, amount);
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(SqliteRuntimeStateStore), "The state store is closed; no call can be made durable.");
        }

        return new ValueTask<long>(pending.Committed.Task);
    }

    public void Settle(long reservationId, CallRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        _queue.Writer.TryWrite(new ReservationSettlement(reservationId, record)); // never dropped: bounded by the reservations
    }

    public void Release(long reservationId) => _queue.Writer.TryWrite(new ReservationSettlement(reservationId, null));

    public StoredRuntimeState Load()
    {
        EnsureOpen();
        return _loaded!;
    }

    public Task FlushAsync(CancellationToken cancellationToken = default)
    {
        if (!_open)
        {
            return Task.CompletedTask;
        }

        var flush = new FlushRequest();
        return _queue.Writer.TryWrite(flush) ? flush.Done.Task.WaitAsync(cancellationToken) : Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        lock (_openLock)
        {
            _disposed = true;
        }

        _queue.Writer.TryComplete();
        if (_writer is { } writer)
        {
            await writer.ConfigureAwait(false);
        }

        await StopCheckpointerAsync().ConfigureAwait(false);

        DisposeCommands();
        if (_connection is { } connection)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void EnqueueDroppable(object record)
    {
        EnsureOpen();
        if (Interlocked.Increment(ref _queued) > _queueCapacity)
        {
            Interlocked.Decrement(ref _queued);
            if (Interlocked.Increment(ref _dropped) % 1000 == 1)
            {
                CoreLog.StateRecordsDropped(_logger, Dropped);
            }

            return;
        }

        if (!_queue.Writer.TryWrite(record))
        {
            Interlocked.Decrement(ref _queued);
        }
    }

    /// <summary>Opens the file on first use: schema, recovery of a crashed run's reservations, totals; then starts the writer.</summary>
    private void EnsureOpen()
    {
        if (_open)
        {
            return;
        }

        lock (_openLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_open)
            {
                return;
            }

            string? directory = Path.GetDirectoryName(Path.GetFullPath(_databasePath));
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _databasePath, Pooling = false }.ToString());
            connection.Open();
            try
            {
                _connection = connection;
                CreateSchema();
                RecoverUnsettled();
                _loaded = ReadState();
            }
            catch
            {
                _connection = null;
                connection.Dispose();
                throw;
            }

            _writer = Task.Factory.StartNew(WriteLoop, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            _checkpointer = Task.Factory.StartNew(CheckpointLoop, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            _open = true;
        }
    }

    private void Execute(string sql, SqliteTransaction? transaction = null)
    {
        using var command = _connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private StateTotals TotalsOf(string account)
    {
        if (!_totals.TryGetValue(account, out var totals))
        {
            _totals[account] = totals = new StateTotals();
        }

        return totals;
    }
}
