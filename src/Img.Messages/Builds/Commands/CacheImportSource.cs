using Img.Engine.Oci;
using MessagePack;

namespace Img.Messages.Builds.Commands;

/// <summary>
/// One <c>--cache-from</c> source a client imported for a build: where its blobs are
/// (<c>RemoteCache.CacheLocation</c>: <c>registry:HOST/REPO</c>, <c>local:DIR</c>), the blob that
/// holds its description there (nodes read it from there), and the description as the client
/// validated it (records whose blobs are missing removed).
/// </summary>
[MessagePackObject]
public sealed record CacheImportSource([property: Key(0)] string Source, [property: Key(1)] Descriptor Blob, [property: Key(2)] byte[] Description);
