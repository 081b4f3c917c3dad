namespace Img.Engine.Registry;

/// <summary>How a blob reached the registry.</summary>
public enum BlobPushResult
{
    /// <summary>The repository had it already; nothing was sent.</summary>
    AlreadyExists,
    /// <summary>Linked from another repository of the same registry without sending bytes.</summary>
    Mounted,
    /// <summary>Uploaded.</summary>
    Uploaded,
}
