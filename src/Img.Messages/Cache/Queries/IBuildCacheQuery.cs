using MessagePack;

namespace Img.Messages.Cache.Queries;

/// <summary>Questions about the build cache as a whole (every key's record) and their answers. Union tags are append-only.</summary>
[Union(0, typeof(ListCacheRecords))]
[Union(1, typeof(CacheRecordsResult))]
[Union(2, typeof(CountCacheRecords))]
[Union(3, typeof(CacheRecordsCounted))]
public interface IBuildCacheQuery : IImgMessage;
