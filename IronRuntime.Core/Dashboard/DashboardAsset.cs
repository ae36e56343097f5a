using System.IO.Compression;
using System.Security.Cryptography;

namespace IronRuntime.Dashboard;

/// <summary>
/// One file of the dashboard page, compressed once (Brotli and gzip, smallest size) when the page is first mapped, with
/// a strong ETag from the SHA-256 of its content and a content-hashed name (<c>dashboard.1a2b3c4d5e.js</c>) under
/// which it never changes.
/// </summary>
internal sealed class DashboardAsset
{
    public DashboardAsset(string name, byte[] content)
    {
        Content = content;
        string hash = Convert.ToHexStringLower(SHA256.HashData(content))[..16];
        ETag = "\"" + hash + "\"";
        string extension = Path.GetExtension(name);
        HashedName = Path.GetFileNameWithoutExtension(name) + "." + hash[..10] + extension;
        ContentType = extension switch
        {
            ".html" => "text/html; charset=utf-8",
            ".js" => "text/javascript; charset=utf-8",
            ".css" => "text/css; charset=utf-8",
            ".svg" => "image/svg+xml",
            ".txt" => "text/plain; charset=utf-8",
            _ => "application/octet-stream",
        };
        Brotli = Compress(content, static s => new BrotliStream(s, CompressionLevel.SmallestSize, leaveOpen: true));
        Gzip = Compress(content, static s => new GZipStream(s, CompressionLevel.SmallestSize, leaveOpen: true));
    }

    public string HashedName { get; }

    public string ContentType { get; }

    public string ETag { get; }

    public byte[] Content { get; }

    public byte[] Brotli { get; }

    public byte[] Gzip { get; }

    private static byte[] Compress(byte[] content, Func<Stream, Stream> open)
    {
        using var buffer = new MemoryStream();
        using (var compressor = open(buffer))
        {
            compressor.Write(content);
        }

        return buffer.ToArray();
    }
}
