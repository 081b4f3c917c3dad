using System.Runtime.InteropServices;

namespace Img.Engine.Archive.Zstd;

/// <summary>
/// The calls img makes into libzstd (Debian <c>libzstd1</c>, <c>libzstd.so.1</c>): streaming
/// compression with worker threads (<c>ZSTD_c_nbWorkers</c>) and streaming decompression of
/// concatenated frames. Every size-returning call is checked with <see cref="Check"/>.
/// </summary>
internal static unsafe partial class ZstdLibrary
{
    private const string Library = "libzstd.so.1";

    /// <summary>What a missing library tells the user.</summary>
    public const string MissingLibraryMessage = "zstd needs libzstd (Debian package libzstd1)";

    // ZSTD_cParameter values (zstd.h, stable API).
    public const int CompressionLevelParameter = 100;
    public const int ChecksumFlagParameter = 201;
    public const int NbWorkersParameter = 400;

    // ZSTD_EndDirective.
    public const int Continue = 0;
    public const int End = 2;

    [StructLayout(LayoutKind.Sequential)]
    public struct InBuffer
    {
        public byte* Source;
        public nuint Size;
        public nuint Position;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct OutBuffer
    {
        public byte* Destination;
        public nuint Size;
        public nuint Position;
    }

    [LibraryImport(Library, EntryPoint = "ZSTD_createCCtx")]
    public static partial nint CreateCompressionContext();

    [LibraryImport(Library, EntryPoint = "ZSTD_freeCCtx")]
    public static partial nuint FreeCompressionContext(nint context);

    [LibraryImport(Library, EntryPoint = "ZSTD_CCtx_setParameter")]
    public static partial nuint SetCompressionParameter(nint context, int parameter, int value);

    [LibraryImport(Library, EntryPoint = "ZSTD_compressStream2")]
    public static partial nuint CompressStream(nint context, OutBuffer* output, InBuffer* input, int endDirective);

    [LibraryImport(Library, EntryPoint = "ZSTD_CStreamOutSize")]
    public static partial nuint CompressionOutputSize();

    [LibraryImport(Library, EntryPoint = "ZSTD_createDCtx")]
    public static partial nint CreateDecompressionContext();

    [LibraryImport(Library, EntryPoint = "ZSTD_freeDCtx")]
    public static partial nuint FreeDecompressionContext(nint context);

    [LibraryImport(Library, EntryPoint = "ZSTD_decompressStream")]
    public static partial nuint DecompressStream(nint context, OutBuffer* output, InBuffer* input);

    [LibraryImport(Library, EntryPoint = "ZSTD_DStreamInSize")]
    public static partial nuint DecompressionInputSize();

    [LibraryImport(Library, EntryPoint = "ZSTD_isError")]
    private static partial uint IsError(nuint code);

    [LibraryImport(Library, EntryPoint = "ZSTD_getErrorName")]
    private static partial byte* ErrorName(nuint code);

    /// <summary>Returns <paramref name="code"/>, or throws <see cref="InvalidDataException"/> naming the zstd error it encodes.</summary>
    public static nuint Check(nuint code, string what)
    {
        if (IsError(code) != 0)
        {
            throw new InvalidDataException($"zstd {what}: {Marshal.PtrToStringUTF8((nint)ErrorName(code))}");
        }
        return code;
    }

    /// <summary>Turns a missing <c>libzstd.so.1</c> into a message that names the package.</summary>
    public static NotSupportedException Missing(DllNotFoundException e) => new(MissingLibraryMessage + ": " + e.Message, e);
}
