using Img.Engine.Solver;
using MessagePack;

namespace Img.Messages.Cache.Queries;

/// <summary>One key's current record: the result it holds and when the journal stored it (Unix milliseconds, UTC).</summary>
[MessagePackObject]
public sealed record CacheRecord([property: Key(0)] CacheKey Key, [property: Key(1)] CacheResult Result, [property: Key(2)] long RecordedAtUnixMs);
