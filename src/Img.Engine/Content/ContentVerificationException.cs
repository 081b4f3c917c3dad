namespace Img.Engine.Content;

/// <summary>
/// Content whose digest or size is not the expected one. Nothing was stored.
/// </summary>
public sealed class ContentVerificationException : Exception
{
    public ContentVerificationException(string message, Digest expected, Digest? actual, long? expectedSize, long actualSize)
        : base(message)
    {
        Expected = expected;
        Actual = actual;
        ExpectedSize = expectedSize;
        ActualSize = actualSize;
    }

    /// <summary>The digest the content should have had.</summary>
    public Digest Expected { get; }

    /// <summary>The digest it had, when computed.</summary>
    public Digest? Actual { get; }

    public long? ExpectedSize { get; }
    public long ActualSize { get; }

    internal static ContentVerificationException DigestMismatch(Digest expected, Digest actual, long size) =>
        new($"digest mismatch: expected {expected}, got {actual} ({size} bytes); the content was not stored",
            expected, actual, null, size);

    internal static ContentVerificationException SizeMismatch(Digest expected, long expectedSize, long actualSize) =>
        new($"size mismatch for {expected}: expected {expectedSize} bytes, got {actualSize}; the content was not stored",
            expected, null, expectedSize, actualSize);
}
