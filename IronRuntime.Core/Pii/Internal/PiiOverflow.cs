using IronRuntime.Pii.Detectors;

namespace IronRuntime.Pii.Internal;

/// <summary>
/// The rest of a value that outgrew the hold-back cap: it was redacted from its start, and the bytes that still belong
/// to it are dropped as they arrive, one byte at a time (so where the stream is cut cannot change where it ends).
/// </summary>
/// <remarks>
/// Grammars: a PEM private key runs over its body (<see cref="PemPrivateKeyDetector.IsBodyByte"/>) to the closing
/// dashes of its <c>-----END … -----</c> line (and up to 16 more dashes); a JWT over base64url and dots; every other
/// type over the bytes of a token (<c>[A-Za-z0-9_.+/=-]</c>).
/// </remarks>
internal struct PiiOverflow
{
    private const int MaxEndLabel = 48;

    private Grammar _grammar;
    private int _endMatched;
    private int _labelLength;
    private int _dashes;

    private enum Grammar : byte
    {
        None = 0,
        Token,
        Jwt,
        Pem,
        PemEndLine,
        PemEndDashes,
    }

    public readonly bool IsActive => _grammar != Grammar.None;

    private static ReadOnlySpan<byte> EndMarker => "-----END"u8;

    public void Start(string entityType)
    {
        this = default;
        _grammar = entityType switch
        {
            PiiEntityTypes.PrivateKey => Grammar.Pem,
            PiiEntityTypes.Jwt => Grammar.Jwt,
            _ => Grammar.Token,
        };
    }

    /// <summary>How many bytes of <paramref name="text"/> still belong to the value; the overflow ends when fewer than all do.</summary>
    public int Consume(ReadOnlySpan<byte> text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (!Continues(text[i]))
            {
                _grammar = Grammar.None;
                return i;
            }

            if (_grammar == Grammar.None)
            {
                return i + 1; // the byte closed the value
            }
        }

        return text.Length;
    }

    /// <summary>Whether <paramref name="b"/> belongs to the value; sets the grammar to None when it is the value's last byte.</summary>
    private bool Continues(byte b)
    {
        switch (_grammar)
        {
            case Grammar.Jwt:
                return PiiAscii.Is(b, PiiAscii.Base64Url) || b == '.';
            case Grammar.Token:
                return PiiAscii.Is(b, PiiAscii.KeyBody) || b is (byte)'.' or (byte)'+' or (byte)'/' or (byte)'=';
            case Grammar.Pem:
                if (!PemPrivateKeyDetector.IsBodyByte(b))
                {
                    return false;
                }

                // How much of "-----END" the last bytes spell: dashes count up to five, then E, N, D.
                _endMatched = b == '-'
                    ? (_endMatched < 5 ? _endMatched + 1 : _endMatched == 5 ? 5 : 1)
                    : b == EndMarker[_endMatched] ? _endMatched + 1 : 0;
                if (_endMatched == EndMarker.Length)
                {
                    _grammar = Grammar.PemEndLine;
                }

                return true;
            case Grammar.PemEndLine:
                if (b == '-')
                {
                    if (++_dashes == 5)
                    {
                        _grammar = Grammar.PemEndDashes;
                    }

                    return true;
                }

                _dashes = 0;
                return ++_labelLength <= MaxEndLabel && (PiiAscii.Is(b, PiiAscii.Upper | PiiAscii.Digit) || b == ' ');
            case Grammar.PemEndDashes:
                // Up to PemPrivateKeyDetector.MaxExtraDashes more dashes close the END line, as the detector reads them.
                if (b != '-')
                {
                    return false;
                }

                if (++_dashes == 5 + PemPrivateKeyDetector.MaxExtraDashes)
                {
                    _grammar = Grammar.None;
                }

                return true;
            default:
                return false;
        }
    }
}
