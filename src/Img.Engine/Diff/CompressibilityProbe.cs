using System.IO.Compression;

namespace Img.Engine.Diff;

/// <summary>
/// Decides, from a sample, whether a block is worth deflating: eight 2 KiB slices spread over
/// the block are deflated together (at the block's level, capped at 2 so the probe stays cheap)
/// and the block counts as incompressible when they shrink by less than 1/32. Such blocks
/// (random data, already compressed files) are then stored, which costs a copy and a CRC instead
/// of a full deflate pass that would save nothing. The decision depends on the bytes only, so
/// the output stays reproducible.
/// </summary>
internal static class CompressibilityProbe
{
    private const int Slices = 8;
    private const int SliceLength = 2048;

    /// <summary>Blocks smaller than this are compressed without probing (the probe would cost as much).</summary>
    public const int MinimumBlock = Slices * SliceLength * 4;

    public static bool IsWorthCompressing(ReadOnlySpan<byte> block, int level)
    {
        if (level <= 0)
        {
            return false;
        }
        if (block.Length < MinimumBlock)
        {
            return true;
        }
        var counter = new CountingStream();
        using (var deflate = new DeflateStream(counter, new ZLibCompressionOptions { CompressionLevel = Math.Min(level, 2) }, leaveOpen: true))
        {
            int stride = block.Length / Slices;
            for (int i = 0; i < Slices; i++)
            {
                deflate.Write(block.Slice(i * stride + (stride - SliceLength) / 2, SliceLength));
            }
        }
        const int sampled = Slices * SliceLength;
        return counter.Count < sampled - sampled / 32;
    }

    /// <summary>A sink that only counts what is written to it.</summary>
    private sealed class CountingStream : Stream
    {
        public long Count { get; private set; }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => Count;
        public override long Position { get => Count; set => throw new NotSupportedException(); }
        public override void Write(byte[] buffer, int offset, int count) => Count += count;
        public override void Write(ReadOnlySpan<byte> buffer) => Count += buffer.Length;
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
