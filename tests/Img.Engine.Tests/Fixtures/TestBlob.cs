using System.Security.Cryptography;
using Img.Engine.Oci;

namespace Img.Engine.Tests.Fixtures;

/// <summary>Bytes and the descriptor that names them.</summary>
public sealed record TestBlob(Descriptor Descriptor, byte[] Content)
{
    public string Digest => Descriptor.Digest;

    public static TestBlob Of(byte[] content, string mediaType = "application/octet-stream") =>
        new(new Descriptor { MediaType = mediaType, Digest = DigestOf(content), Size = content.LongLength }, content);

    public static TestBlob Random(int size, string mediaType = "application/octet-stream")
    {
        var bytes = new byte[size];
        System.Security.Cryptography.RandomNumberGenerator.Fill(bytes);
        return Of(bytes, mediaType);
    }

    public static string DigestOf(ReadOnlySpan<byte> content) => $"sha256:{Convert.ToHexStringLower(SHA256.HashData(content))}";

    public Func<CancellationToken, Task<Stream>> Opener => _ => Task.FromResult<Stream>(new MemoryStream(Content, writable: false));
}
