using System.Buffers;
using System.Text.Json;

namespace IronRuntime.Router.Requests;

/// <summary>
/// Finds a member name that occurs twice in the same JSON object while <see cref="LlmRequestReader"/> makes its one
/// forward pass: one hash table over every member of the document, keyed by (object number, name).
/// </summary>
/// <remarks>
/// Names are compared after JSON unescaping (<c>"max\u005ftokens"</c> is <c>max_tokens</c>), as providers compare
/// them. Names are not copied: a table entry points at the raw name in the body; only an escaped name is unescaped
/// into a side buffer. The work is linear in the number of members (no quadratic scan of a large object), and the
/// hash is <see cref="HashCode"/>, seeded per process, so a client cannot precompute colliding names; equal hashes are
/// confirmed by comparing the names. One instance per thread is reused; nothing is allocated in the steady state (a table grown past 4096 buckets is dropped after use).
/// </remarks>
internal sealed class JsonMemberNameSet
{
    [ThreadStatic]
    private static JsonMemberNameSet? t_cached;

    private int[] _buckets = [];
    private Entry[] _entries = [];
    private byte[] _unescaped = [];
    private int _count;
    private int _unescapedLength;

    private struct Entry
    {
        public int ObjectId;
        public int Hash;
        public int Next;
        public int Start;
        public int Length;
        public bool InSideBuffer;
    }

    /// <summary>Takes the thread's instance (or a new one), empty.</summary>
    public static JsonMemberNameSet Rent()
    {
        var set = t_cached ?? new JsonMemberNameSet();
        t_cached = null;
        return set;
    }

    /// <summary>Gives the instance back for reuse by this thread; large buffers go back to the pool.</summary>
    public void Return()
    {
        for (int i = 0; i < _count; i++)
        {
            _buckets[_entries[i].Hash & (_buckets.Length - 1)] = 0;
        }

        _count = 0;
        _unescapedLength = 0;
        if (_buckets.Length > 4096)
        {
            // A very large document: let its table go rather than keep it for the thread.
            _entries = [];
            _buckets = [];
        }

        if (_unescaped.Length > 4096)
        {
            ArrayPool<byte>.Shared.Return(_unescaped);
            _unescaped = [];
        }

        t_cached = this;
    }

    /// <summary>
    /// Adds the property name the reader is on to the object numbered <paramref name="objectId"/>; false when that
    /// object already has a member of the same name.
    /// </summary>
    public bool TryAdd(int objectId, ref Utf8JsonReader reader, ReadOnlySpan<byte> body)
    {
        ReadOnlySpan<byte> name;
        bool escaped = reader.ValueIsEscaped;
        int start, length;
        if (escaped)
        {
            int max = reader.ValueSpan.Length;
            EnsureSide(_unescapedLength + max);
            length = reader.CopyString(_unescaped.AsSpan(_unescapedLength));
            start = _unescapedLength;
            name = _unescaped.AsSpan(start, length);
        }
        else
        {
            // The name token starts with its quote; the value span is the raw name.
            start = (int)reader.TokenStartIndex + 1;
            length = reader.ValueSpan.Length;
            name = body.Slice(start, length);
        }

        int hash = Hash(objectId, name);
        if (_buckets.Length == 0 || _count >= _buckets.Length / 2)
        {
            Grow();
        }

        int bucket = hash & (_buckets.Length - 1);
        for (int i = _buckets[bucket] - 1; i >= 0; i = _entries[i].Next)
        {
            ref Entry entry = ref _entries[i];
            if (entry.Hash == hash && entry.ObjectId == objectId
                && (entry.InSideBuffer ? _unescaped.AsSpan(entry.Start, entry.Length) : body.Slice(entry.Start, entry.Length)).SequenceEqual(name))
            {
                return false;
            }
        }

        if (escaped)
        {
            _unescapedLength += length;
        }

        _entries[_count] = new Entry { ObjectId = objectId, Hash = hash, Next = _buckets[bucket] - 1, Start = start, Length = length, InSideBuffer = escaped };
        _buckets[bucket] = ++_count;
        return true;
    }

    private static int Hash(int objectId, ReadOnlySpan<byte> name)
    {
        var hash = default(HashCode);
        hash.Add(objectId);
        hash.AddBytes(name);
        return hash.ToHashCode() & int.MaxValue;
    }

    private void EnsureSide(int needed)
    {
        if (needed <= _unescaped.Length)
        {
            return;
        }

        byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, 256));
        _unescaped.AsSpan(0, _unescapedLength).CopyTo(larger);
        if (_unescaped.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_unescaped);
        }

        _unescaped = larger;
    }

    private void Grow()
    {
        int size = Math.Max(64, _buckets.Length * 2);
        var entries = new Entry[size / 2];
        _entries.AsSpan(0, _count).CopyTo(entries);
        var buckets = new int[size];
        for (int i = 0; i < _count; i++)
        {
            int b = entries[i].Hash & (size - 1);
            entries[i].Next = buckets[b] - 1;
            buckets[b] = i + 1;
        }

        _entries = entries;
        _buckets = buckets;
    }
}
