namespace Img.Engine.Transfer.Serving;

/// <summary>What a <c>/v2/...</c> path asks for.</summary>
internal enum BlobRouteKind
{
    /// <summary><c>/v2/&lt;name&gt;/blobs/&lt;digest&gt;</c>.</summary>
    Blob,

    /// <summary><c>/v2/&lt;name&gt;/manifests/&lt;reference&gt;</c>: not held here.</summary>
    Manifest,

    /// <summary>Anything else.</summary>
    Other,
}
