using System.Threading.Channels;
using IronRuntime.Internal;
using Microsoft.Data.Sqlite;

namespace IronRuntime.State;

/// <summary>
/// Checkpoints off the commit path. SQLite's automatic checkpoint runs inside the commit that crosses 1,000 WAL pages,
/// so one group commit in a few hundred waited milliseconds for it (the p99 of durable reservations). The writer's
/// connection has <c>wal_autocheckpoint=0</c>; every <see cref="CommitsPerCheckpoint"/> commits it signals a
/// background task, which runs a PASSIVE checkpoint on its own connection: it copies what it can without taking the
/// write lock, so commits go on meanwhile. Durability is unchanged: a commit is durable in the WAL (synchronous=NORMAL
/// survives a process kill) whether or not it has been checkpointed, and recovery replays the WAL.
/// </summary>
internal sealed partial class SqliteRuntimeStateStore
{
    /// <summary>Commits between checkpoint requests: a group commit writes a few pages, so well under SQLite's 1,000-page default.</summary>
    private const int CommitsPerCheckpoint = 64;

    private readonly Channel<bool> _checkpointRequests = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    private Task? _checkpointer;
    private int _commitsSinceCheckpoint;
    private long _checkpoints;

    /// <summary>Background checkpoints completed.</summary>
    internal long Checkpoints => Interlocked.Read(ref _checkpoints);

    /// <summary>Called by the writer after each commit; asks for a checkpoint every <see cref="CommitsPerCheckpoint"/> commits.</summary>
    private void AfterCommit()
    {
        if (++_commitsSinceCheckpoint >= CommitsPerCheckpoint)
        {
            _commitsSinceCheckpoint = 0;
            _checkpointRequests.Writer.TryWrite(true); // one pending request is enough
        }
    }

    /// <summary>
    /// Runs on a thread of its own (<see cref="TaskCreationOptions.LongRunning"/>), never on the thread pool: a checkpoint
    /// blocks in <c>fsync</c> for milliseconds, and a pool thread blocked there is one the waiters of the next group
    /// commit cannot resume on (two on this project's 2-core reference machine).
    /// </summary>
    private void CheckpointLoop()
    {
        SqliteConnection? connection = null;
        SqliteCommand? checkpoint = null;
        try
        {
            while (_checkpointRequests.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
            {
                _checkpointRequests.Reader.TryRead(out _);
                try
                {
                    if (checkpoint is null)
                    {
                        connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _databasePath, Pooling = false }.ToString());
                        connection.Open();
                        checkpoint = connection.CreateCommand();
                        checkpoint.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
                    }

                    checkpoint.ExecuteNonQuery();
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
            checkpoint?.Dispose();
            connection?.Dispose();
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
