using System.IO.Compression;

namespace Img.Engine.Diff;

/// <summary>
/// One block of a layer as a complete gzip member: deflated at the requested level, or stored
/// when <see cref="CompressibilityProbe"/> finds it not worth deflating. Same bytes in, same
/// member out.
/// </summary>
internal static class GzipMember
{
    /// <summary>Compresses <paramref name="data"/> into a buffer rented from the shared pool.</summary>
    public static (byte[] Buffer, int Length) Compress(ReadOnlySpan<byte> data, int level)
    {
        // Room for a stored block's framing, so incompressible data never has to grow the buffer.
        using var output = new PooledBufferStream(data.Length + data.Length / 64 + 1024);
        Write(data, level, output);
        return output.Detach();
    }

    /// <summary>
    /// The member of no data (header, an empty fixed-Huffman block, zero CRC and length):
    /// .NET's GZipStream writes nothing at all when given nothing.
    /// </summary>
    private static ReadOnlySpan<byte> EmptyMember => [0x1F, 0x8B, 0x08, 0, 0, 0, 0, 0, 0, 0x03, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0];

    /// <summary>Writes the member for <paramref name="data"/> to <paramref name="output"/>.</summary>
    public static void Write(ReadOnlySpan<byte> data, int level, Stream output)
    {
        if (data.IsEmpty)
        {
            output.Write(EmptyMember);
            return;
        }
        int effective = CompressibilityProbe.IsWorthCompressing(data, level) ? level : 0;
        using var gzip = new GZipStream(output, new ZLibCompressionOptions { CompressionLevel = effective }, leaveOpen: true);
        gzip.Write(data);
    }
}
