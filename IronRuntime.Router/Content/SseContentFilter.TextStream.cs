namespace IronRuntime.Router.Content;

internal sealed partial class SseContentFilter
{
    /// <summary>One logical text stream: its scanner and, once it held text, the last event that carried it (to flush into).</summary>
    private sealed class TextStream(SseTextStreamKey key, ILlmTextScanner scanner) : IDisposable
    {
        private byte[] _template = [];
        private int _templateLength;
        private byte[] _name = [];
        private int _nameLength;

        public SseTextStreamKey Key { get; } = key;

        public ILlmTextScanner Scanner { get; } = scanner;

        public bool HasTemplate => _templateLength > 0;

        public ReadOnlySpan<byte> TemplateData => _template.AsSpan(0, _templateLength);

        public ReadOnlySpan<byte> TemplateName => _name.AsSpan(0, _nameLength);

        public int SlotStart { get; private set; }

        public int SlotLength { get; private set; }

        /// <summary>Keeps a copy of the event that carried this stream's text, to write held text into at the end.</summary>
        public void KeepTemplate(ReadOnlySpan<byte> name, ReadOnlySpan<byte> data, int slotStart, int slotLength)
        {
            if (_template.Length < data.Length)
            {
                _template = new byte[Math.Max(data.Length, 256)];
            }

            data.CopyTo(_template);
            _templateLength = data.Length;
            if (_name.Length < name.Length)
            {
                _name = new byte[Math.Max(name.Length, 32)];
            }

            name.CopyTo(_name);
            _nameLength = name.Length;
            SlotStart = slotStart;
            SlotLength = slotLength;
        }

        public void Dispose() => Scanner.Dispose();
    }
}
