using System.Buffers;
using System.Text;
using IronRuntime.Router;

namespace IronRuntime.Pii.Internal;

/// <summary>The built-in <see cref="IPiiScanner"/>: every entry point runs the same <see cref="PiiTextScanner"/>.</summary>
internal sealed class DefaultPiiScanner : IPiiScanner
{
    private readonly PiiOptions _options;
    private readonly IPiiEngine _engine;
    private readonly PiiReplacer _replacer;
    private readonly PiiAuditor? _auditor;

    public DefaultPiiScanner(PiiOptions options, IPiiEngine engine, PiiReplacer replacer, PiiAuditor? auditor)
    {
        _options = options;
        _engine = engine;
        _replacer = replacer;
        _auditor = auditor;
    }

    public IReadOnlyList<PiiFinding> Find(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        var found = new List<PiiMatch>();
        using (var scanner = new PiiTextScanner(_engine, _replacer, null, null, LlmContentDirection.Response, PiiMode.Detect, _options.MaxHoldBackBytes, found))
        {
            scanner.Scan(bytes, isFinal: true, new ArrayBufferWriter<byte>(1));
        }

        var findings = new PiiFinding[found.Count];
        int bytePos = 0;
        int charPos = 0;
        for (int i = 0; i < found.Count; i++)
        {
            PiiMatch match = found[i];
            charPos += Encoding.UTF8.GetCharCount(bytes.AsSpan(bytePos, match.Start - bytePos));
            int length = Encoding.UTF8.GetCharCount(bytes.AsSpan(match.Start, match.Length));
            findings[i] = new PiiFinding(charPos, length, match.EntityType, match.Confidence);
            charPos += length;
            bytePos = match.End;
        }

        return findings;
    }

    public string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        var output = new ArrayBufferWriter<byte>(bytes.Length);
        using var scanner = new PiiTextScanner(_engine, _replacer, _auditor, null, LlmContentDirection.Response, PiiMode.Redact, _options.MaxHoldBackBytes);
        return scanner.Scan(bytes, isFinal: true, output) == LlmTextScanStatus.Unchanged ? text : Encoding.UTF8.GetString(output.WrittenSpan);
    }

    public ILlmTextScanner CreateStreamingScanner(LlmContentDirection direction, string? agentId = null)
    {
        PiiMode mode = direction == LlmContentDirection.Request ? _options.RequestMode : _options.ResponseMode;
        return new PiiTextScanner(_engine, _replacer, _auditor, agentId, direction, mode == PiiMode.Off ? PiiMode.Redact : mode, _options.MaxHoldBackBytes);
    }
}
