using System.Buffers.Binary;

namespace Img.Engine.Execution.Emulation;

/// <summary>
/// The architecture an ELF executable is for, read from its header (<c>e_machine</c>, and the
/// class for 32/64-bit pairs), in Go's GOARCH words as platforms use them.
/// </summary>
public static class ElfMachine
{
    /// <summary>The first bytes binfmt_misc magic strings match against; enough for <c>e_machine</c>.</summary>
    public const int HeaderLength = 20;

    private static ReadOnlySpan<byte> ElfMagic => [0x7f, (byte)'E', (byte)'L', (byte)'F'];

    /// <summary>The GOARCH of <paramref name="header"/>, or null when it is no ELF header or an unknown machine.</summary>
    public static string? Architecture(ReadOnlySpan<byte> header)
    {
        if (header.Length < HeaderLength || !header[..4].SequenceEqual(ElfMagic))
            return null;
        var is64 = header[4] == 2;
        var machine = header[5] == 2 ? BinaryPrimitives.ReadUInt16BigEndian(header[18..]) : BinaryPrimitives.ReadUInt16LittleEndian(header[18..]);
        return machine switch
        {
            0x03 => "386",
            0x3E => "amd64",
            0x28 => "arm",
            0xB7 => "arm64",
            0x15 => is64 ? (header[5] == 1 ? "ppc64le" : "ppc64") : "ppc",
            0x16 => "s390x",
            0xF3 => is64 ? "riscv64" : "riscv",
            0x08 => is64 ? (header[5] == 1 ? "mips64le" : "mips64") : (header[5] == 1 ? "mipsle" : "mips"),
            0x102 => "loong64",
            _ => null,
        };
    }

    /// <summary>Reads up to <see cref="HeaderLength"/> first bytes of <paramref name="path"/> (fewer for a short file: a script); null when it cannot be read or is empty.</summary>
    public static byte[]? ReadHeader(string path)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.None);
            var header = new byte[HeaderLength];
            var read = file.ReadAtLeast(header, HeaderLength, throwOnEndOfStream: false);
            return read == 0 ? null : header[..read];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
