namespace Img.Engine.Transfer;

/// <summary>What <see cref="ResultFetcher.FetchAsync"/> did.</summary>
/// <param name="Snapshot">The local committed snapshot equivalent to the producer's ("" for a result without layers).</param>
/// <param name="BlobsFetched">Blobs downloaded (the manifest included); 0 when everything was here already.</param>
/// <param name="BytesFetched">Their total size.</param>
/// <param name="LayersUnpacked">Snapshots created; 0 when the result was here already.</param>
public sealed record FetchedResult(string Snapshot, int BlobsFetched, long BytesFetched, int LayersUnpacked);
