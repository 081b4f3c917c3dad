using MessagePack;

namespace Img.Messages.Cache.Queries;

/// <summary>The answer to <c>CountCacheRecords</c>; Error is "" unless the journal could not be read.</summary>
[MessagePackObject]
public sealed record CacheRecordsCounted([property: Key(0)] long Count, [property: Key(1)] string Error) : IBuildCacheQuery;
