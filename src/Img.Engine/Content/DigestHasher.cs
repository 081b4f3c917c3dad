using System.Security.Cryptography;

namespace Img.Engine.Content;

/// <summary>
/// Incremental sha256: append chunks, then read <see cref="Digest"/> (which does not end the
/// hashing, so a writer can report its running digest).
/// </summary>
public sealed class DigestHasher : IDisposable
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    /// <summary>Bytes appended so far.</summary>
    public long Length { get; private set; }

    public void Append(ReadOnlySpan<byte> data)
    {
        _hash.AppendData(data);
        Length += data.Length;
    }

    /// <summary>The digest of everything appended so far.</summary>
    public Digest Digest
    {
        get
        {
            Span<byte> buffer = stackalloc byte[SHA256.HashSizeInBytes];
            _hash.GetCurrentHash(buffer);
            return Digest.FromSha256Bytes(buffer);
        }
    }

    public void Dispose() => _hash.Dispose();
}
