using MessagePack;

namespace Img.Messages.Cache.Queries;

/// <summary>Ask how many keys have a record (<c>img cluster status</c>): one journal query, not one per key. Answered with <c>CacheRecordsCounted</c>.</summary>
[MessagePackObject]
public sealed record CountCacheRecords : IBuildCacheQuery;
