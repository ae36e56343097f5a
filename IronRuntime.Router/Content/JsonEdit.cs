namespace IronRuntime.Router.Content;

/// <summary>Replace <see cref="Length"/> bytes at <see cref="Start"/> of a JSON text with the bytes at <see cref="ReplacementStart"/> of an edit buffer.</summary>
internal readonly record struct JsonEdit(int Start, int Length, int ReplacementStart, int ReplacementLength)
{
    /// <summary>Applies sorted, non-overlapping <paramref name="edits"/> to <paramref name="source"/>.</summary>
    public static void Apply(ReadOnlySpan<byte> source, ReadOnlySpan<JsonEdit> edits, ReadOnlySpan<byte> replacements, System.Buffers.IBufferWriter<byte> output)
    {
        int read = 0;
        foreach (JsonEdit edit in edits)
        {
            System.Buffers.BuffersExtensions.Write(output, source[read..edit.Start]);
            System.Buffers.BuffersExtensions.Write(output, replacements.Slice(edit.ReplacementStart, edit.ReplacementLength));
            read = edit.Start + edit.Length;
        }

        System.Buffers.BuffersExtensions.Write(output, source[read..]);
    }
}
