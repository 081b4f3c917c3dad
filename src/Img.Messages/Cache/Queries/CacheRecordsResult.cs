using MessagePack;

namespace Img.Messages.Cache.Queries;

/// <summary>Every cache record, in journal order; Error is "" unless the journal could not be read.</summary>
[MessagePackObject]
public sealed record CacheRecordsResult([property: Key(0)] IReadOnlyList<CacheRecord> Records, [property: Key(1)] string Error) : IBuildCacheQuery;
