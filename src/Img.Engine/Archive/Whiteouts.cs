namespace Img.Engine.Archive;

/// <summary>
/// OCI layer whiteouts: an entry <c>dir/.wh.name</c> deletes <c>dir/name</c> from the layers
/// below; <c>dir/.wh..wh..opq</c> makes <c>dir</c> opaque (everything below is hidden, only this
/// layer's entries remain). Other <c>.wh..wh.</c> names are reserved and ignored.
/// </summary>
public static class Whiteouts
{
    public const string Prefix = ".wh.";
    public const string MetaPrefix = ".wh..wh.";
    public const string OpaqueMarker = ".wh..wh..opq";

    /// <summary>True for any name starting with <c>.wh.</c> (whiteouts, opaque markers, reserved names).</summary>
    public static bool IsWhiteout(string baseName) => baseName.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>The entry name that deletes <paramref name="baseName"/>.</summary>
    public static string For(string baseName) => Prefix + baseName;
}
