using System.Threading.Channels;
using IronRuntime.Internal;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace IronRuntime.State;

/// <summary>
/// Checkpoints off the commit path, and a write-ahead log that stays bounded. SQLite's automatic checkpoint runs inside
/// the commit that crosses 1,000 WAL pages, so one group commit in a few hundred waited milliseconds for it (the p99
/// of durable reservations). The writer's connection has <c>wal_autocheckpoint=0</c>; every
/// <see cref="CommitsPerCheckpoint"/> commits it signals a background thread, which runs a PASSIVE checkpoint on its own
/// connection: it copies what it can without taking the write lock, so commits go on meanwhile.
/// <para>
/// A checkpoint alone does not bound the file: the WAL starts over from its beginning only when a write begins with
/// every frame copied, and under steady load the writer has always committed more by the time a background checkpoint
/// (two <c>fsync</c>s) ends. So once <see cref="CommitsPerCheckpoint"/> commits have been made since the WAL last started
/// over, the writer itself, when it has had nothing to do for <see cref="IdleBeforeWalRestart"/>, copies what is left (the
/// pages of the commits since) with a PASSIVE checkpoint of its own and writes one page, which starts the WAL over
/// from its beginning, in place (<see cref="WalSizeLimit"/>). Under unbroken load it does so at
/// <see cref="ForcedWalRestartFrames"/> frames, after waking the waiters of the commit that crossed them. Durability is
/// unchanged: a commit is durable in the WAL (synchronous=NORMAL survives a process kill) whether or not it has been
/// checkpointed, recovery replays the WAL, and a frame is overwritten only after it has been copied and synced.
/// </para>
/// </summary>
internal sealed partial class SqliteRuntimeStateStore
{
    /// <summary>Commits between background checkpoint requests: a group commit writes a few pages, so well under SQLite's 1,000-page default.</summary>
    private const int CommitsPerCheckpoint = 64;

    /// <summary>WAL frames after which the writer starts the WAL over even with work queued (about 16 MB): the WAL stays bounded under unbroken load.</summary>
    private const int ForcedWalRestartFrames = 4000;

    /// <summary>How long the writer must have had nothing to do before it restarts the WAL: a pause in traffic, not the gap between two bursts.</summary>
    private static readonly TimeSpan IdleBeforeWalRestart = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// <c>journal_size_limit</c>: the WAL file is reused in place from one restart to the next (no regrowth, no
    /// truncation metadata to sync); only a file swollen past this by a long stretch without idle moments is cut back.
    /// </summary>
    internal const long WalSizeLimit = 16 * 1024 * 1024;

    private readonly Channel<bool> _checkpointRequests = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    private Task? _checkpointer;
    private int _commitsSinceCheckpoint;
    private volatile int _walFrames;
    private int _commitsSinceWalRestart;
    private SqliteStatement? _restartWal;
    private long _checkpoints;
    private long _walRestarts;

    /// <summary>Background checkpoints completed (each copied the WAL's frames into the database file).</summary>
    internal long Checkpoints => Interlocked.Read(ref _checkpoints);

    /// <summary>Times the writer copied the whole WAL, so that its next transaction rewrote the WAL from the beginning.</summary>
    internal long WalRestarts => Interlocked.Read(ref _walRestarts);

    /// <summary>Enough has been committed since the WAL last started over to start it over at the writer's next idle moment.</summary>
    private bool WalRestartDue => _commitsSinceWalRestart >= CommitsPerCheckpoint;

    /// <summary>
    /// Called by the writer after each commit, once the commit's waiters are woken: asks for a background checkpoint
    /// every <see cref="CommitsPerCheckpoint"/> commits, and starts the WAL over at once if it has reached
    /// <see cref="ForcedWalRestartFrames"/> frames without an idle moment.
    /// </summary>
    private void AfterCommit()
    {
        _commitsSinceWalRestart++;
        if (++_commitsSinceCheckpoint >= CommitsPerCheckpoint)
        {
            _commitsSinceCheckpoint = 0;
            _checkpointRequests.Writer.TryWrite(true); // one pending request is enough
        }

        if (_walFrames >= ForcedWalRestartFrames)
        {
            TryRestartWal();
        }
    }

    /// <summary>
    /// Copies what the background checkpoints left and starts the WAL over; false when the background checkpoint held
    /// the checkpoint lock (tried again later).
    /// </summary>
    private bool TryRestartWal()
    {
        if (!TryCopyWholeWal())
        {
            return false;
        }

        // The first transaction after a complete checkpoint rewrites the WAL header and syncs it (SQLite's guard
        // against out-of-order writes after a restart): a one-page write now, so that no reservation's commit pays it.
        (_restartWal ??= new SqliteStatement(_connection!, "PRAGMA user_version = 0")).Execute();
        _walFrames = 0;
        _commitsSinceWalRestart = 0;
        Interlocked.Increment(ref _walRestarts);
        return true;
    }

    /// <summary>
    /// The writer's own PASSIVE checkpoint: true when it copied the WAL to its end (the next transaction restarts the
    /// WAL). Busy — the background checkpoint holds the checkpoint lock — is not a failure: it is tried again after
    /// the next commit.
    /// </summary>
    private bool TryCopyWholeWal()
    {
        var db = _connection!.Handle!;
        int rc = raw.sqlite3_wal_checkpoint_v2(db, "main", raw.SQLITE_CHECKPOINT_PASSIVE, out int frames, out int copied);
        if (rc == raw.SQLITE_BUSY)
        {
            return false;
        }

        if (rc != raw.SQLITE_OK)
        {
            CoreLog.StateCheckpointFailed(_logger, new SqliteException(raw.sqlite3_errmsg(db).utf8_to_string(), rc));
            (_walFrames, _commitsSinceWalRestart) = (0, 0); // not retried before more commits
            return false;
        }

        return frames == copied;
    }

    /// <summary>
    /// Runs on a thread of its own (<see cref="TaskCreationOptions.LongRunning"/>), never on the thread pool: a checkpoint
    /// blocks in <c>fsync</c> for milliseconds, and a pool thread blocked there is one the waiters of the next group
    /// commit cannot resume on (two on this project's 2-core reference machine).
    /// </summary>
    private void CheckpointLoop()
    {
        SqliteConnection? connection = null;
        try
        {
            while (_checkpointRequests.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
            {
                _checkpointRequests.Reader.TryRead(out _);
                try
                {
                    connection ??= OpenCheckpointConnection();
                    var db = connection.Handle!;
                    int rc = raw.sqlite3_wal_checkpoint_v2(db, "main", raw.SQLITE_CHECKPOINT_PASSIVE, out int frames, out _);
                    if (rc != raw.SQLITE_OK || frames < 0)
                    {
                        // frames < 0: the connection has not opened the WAL, so nothing was copied (not expected after
                        // OpenCheckpointConnection; reported rather than counted as a checkpoint).
                        throw new SqliteException(rc != raw.SQLITE_OK ? raw.sqlite3_errmsg(db).utf8_to_string() : "The checkpoint did not run on the write-ahead log.", rc);
                    }

                    _walFrames = frames; // the writer's cue to let the WAL start over (AfterCommit)
                    Interlocked.Increment(ref _checkpoints);
                }
                catch (SqliteException ex)
                {
                    CoreLog.StateCheckpointFailed(_logger, ex);
                }
            }
        }
        finally
        {
            connection?.Dispose();
        }
    }

    /// <summary>
    /// The checkpointer's connection. It reads the schema once: a connection that has not read the database has not
    /// opened its WAL yet, and <c>sqlite3_wal_checkpoint_v2</c> on it copies nothing (it reports -1 frames; the
    /// <c>PRAGMA wal_checkpoint</c> form reads the schema itself).
    /// </summary>
    private SqliteConnection OpenCheckpointConnection()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _databasePath, Pooling = false }.ToString());
        try
        {
            connection.Open();
            using var read = connection.CreateCommand();
            read.CommandText = "SELECT count(*) FROM sqlite_master";
            read.ExecuteScalar();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private async Task StopCheckpointerAsync()
    {
        _checkpointRequests.Writer.TryComplete();
        if (_checkpointer is { } checkpointer)
        {
            await checkpointer.ConfigureAwait(false);
        }
    }
}
