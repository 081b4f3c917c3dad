using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using Img.Engine.Content;
using Img.Engine.Content.Local;
using Img.Engine.Images;
using Xunit;

namespace Img.Engine.Tests.Images;

public sealed class ImageImporterTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("img-import-").FullName;

    [Fact]
    public async Task ALargeRootFsBecomesAMultiMemberGzipLayerThatGunzipsToTheTar()
    {
        var tar = RootFsTar(fileBytes: 3 << 20);
        var content = new LocalContentStore(Path.Combine(_root, "content"));

        var result = await ImageImporter.ImportAsync(content, new MemoryStream(tar), Path.Combine(_root, "tmp"), new ImportOptions());

        Assert.Equal("sha256:" + Convert.ToHexStringLower(SHA256.HashData(tar)), result.DiffId.ToString());
        var blob = await ReadBlobAsync(content, result.Layer);
        Assert.Equal(result.Layer.Size, blob.Length);
        using var gunzip = new MemoryStream();
        await using (var gzip = new GZipStream(new MemoryStream(blob), CompressionMode.Decompress))
            await gzip.CopyToAsync(gunzip);
        Assert.Equal(tar, gunzip.ToArray());
        // compressed in 1 MiB blocks on every core, like built layers: one gzip member per block
        Assert.True(CountGzipMembers(blob) >= 3, $"{CountGzipMembers(blob)} gzip members");
    }

    [Fact]
    public async Task TheSameTarImportsToTheSameLayerDigest()
    {
        var tar = RootFsTar(fileBytes: 2 << 20);
        var content = new LocalContentStore(Path.Combine(_root, "content"));
        var first = await ImageImporter.ImportAsync(content, new MemoryStream(tar), Path.Combine(_root, "tmp"), new ImportOptions());
        var second = await ImageImporter.ImportAsync(content, new MemoryStream(tar), Path.Combine(_root, "tmp"), new ImportOptions());
        Assert.Equal(first.Layer.Digest, second.Layer.Digest);
    }

    private static byte[] RootFsTar(int fileBytes)
    {
        var data = new byte[fileBytes];
        new Random(7).NextBytes(data.AsSpan(0, fileBytes / 2)); // half random, half compressible
        using var ms = new MemoryStream();
        using (var writer = new TarWriter(ms, TarEntryFormat.Pax, leaveOpen: true))
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "bin/") { Mode = (UnixFileMode)0b111_101_101 });
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "bin/busybox") { DataStream = new MemoryStream(data) });
        }
        return ms.ToArray();
    }

    private static async Task<byte[]> ReadBlobAsync(IContentStore content, Img.Engine.Oci.Descriptor layer)
    {
        await using var reader = await content.OpenAsync(layer);
        using var copy = new MemoryStream();
        await reader.Stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    private static int CountGzipMembers(byte[] blob)
    {
        // each member starts with the gzip magic and deflate method: 1f 8b 08
        var count = 0;
        for (var i = 0; i + 2 < blob.Length; i++)
            if (blob[i] == 0x1f && blob[i + 1] == 0x8b && blob[i + 2] == 0x08)
                count++;
        return count;
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
