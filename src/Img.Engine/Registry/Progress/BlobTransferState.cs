namespace Img.Engine.Registry.Progress;

/// <summary>How a blob reached its destination in a pull or a push.</summary>
public enum BlobTransferState
{
    /// <summary>Pull: the content store had it already; nothing was downloaded.</summary>
    FoundLocally,

    /// <summary>Pull: downloaded, verified and stored.</summary>
    Downloaded,

    /// <summary>Push: the registry had it already; nothing was uploaded.</summary>
    FoundInRegistry,

    /// <summary>Push: uploaded.</summary>
    Uploaded,

    /// <summary>Push: mounted from another repository of the same registry, without uploading.</summary>
    Mounted,
}
