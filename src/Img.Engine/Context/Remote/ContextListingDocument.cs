using System.Text.Json;
using System.Text.Json.Serialization;

namespace Img.Engine.Context.Remote;

/// <summary>
/// The parts of a client's build context a remote worker needs, as a document: entries with
/// their metadata and content digests (<see cref="ContextFileEntry"/>), parents before children.
/// It travels as a blob; the files' bytes travel as blobs named by their digests, so a file a
/// worker (or the coordinator) already has is never sent again.
/// </summary>
public sealed record ContextListingDocument
{
    /// <summary>The document's format; a reader refuses others.</summary>
    public const int CurrentVersion = 1;

    /// <summary>The blob's media type.</summary>
    public const string MediaType = "application/vnd.img.context.listing.v1+json";

    [JsonPropertyName("version")]
    public int Version { get; init; } = CurrentVersion;

    [JsonPropertyName("entries")]
    public IReadOnlyList<ContextFileEntry> Entries { get; init; } = [];

    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this);

    /// <exception cref="InvalidDataException">Not a listing img can read.</exception>
    public static ContextListingDocument Parse(ReadOnlySpan<byte> bytes)
    {
        ContextListingDocument? listing;
        try
        {
            listing = JsonSerializer.Deserialize<ContextListingDocument>(bytes);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException("context listing: " + e.Message, e);
        }
        if (listing is null)
            throw new InvalidDataException("context listing: empty document");
        if (listing.Version != CurrentVersion)
            throw new InvalidDataException($"context listing: version {listing.Version} is not supported (this img reads {CurrentVersion})");
        return listing;
    }
}
