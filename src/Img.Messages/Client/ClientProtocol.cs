namespace Img.Messages.Client;

/// <summary>The client protocol's fixed numbers.</summary>
public static class ClientProtocol
{
    /// <summary>Sent in <see cref="ClientHello"/>; a coordinator refuses a version it does not speak.</summary>
    public const int Version = 1;

    /// <summary>How much of a blob or file one chunk frame carries.</summary>
    public const int ChunkBytes = 1024 * 1024;
}
