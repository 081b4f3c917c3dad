namespace Img.Engine.Frontend.Dockerfile.Parsing;

/// <summary>
/// Yields the lines of a Dockerfile with their line endings, and stops, as BuildKit's scanner
/// does, at the first line of 64 KiB or more (see <see cref="TooLong"/>).
/// </summary>
internal sealed class LineReader(byte[] data)
{
    public const int MaxLineBytes = 64 * 1024;

    private int _pos;

    /// <summary>Set once a line too long to read was met; no further lines are returned.</summary>
    public bool TooLong { get; private set; }

    public bool TryRead(out ReadOnlySpan<byte> line)
    {
        line = default;
        if (TooLong || _pos >= data.Length)
            return false;
        var rest = data.AsSpan(_pos);
        var newline = rest.IndexOf((byte)'\n');
        var contentLength = newline >= 0 ? newline : rest.Length;
        if (contentLength >= MaxLineBytes)
        {
            TooLong = true;
            return false;
        }
        var length = newline >= 0 ? newline + 1 : rest.Length;
        line = rest[..length];
        _pos += length;
        return true;
    }
}
