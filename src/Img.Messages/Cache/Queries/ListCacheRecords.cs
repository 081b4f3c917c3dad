using MessagePack;

namespace Img.Messages.Cache.Queries;

/// <summary>Ask for every cache record in the journal (<c>img du</c>, <c>img prune</c>); answered with <c>CacheRecordsResult</c>.</summary>
[MessagePackObject]
public sealed record ListCacheRecords : IBuildCacheQuery;
