using Img.Engine.Oci;

namespace Img.Engine.RemoteCache;

/// <summary>
/// One <c>--cache-from</c> source as a build sees it: its location (<see cref="CacheLocation"/>),
/// the blob that holds its description there, and the description as the importer validated it
/// (records whose blobs are missing already removed).
/// </summary>
public sealed record ImportedCache(string Source, Descriptor Blob, CacheDescription Description);
