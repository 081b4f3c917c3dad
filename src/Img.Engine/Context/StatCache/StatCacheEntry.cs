using Img.Engine.Content;

namespace Img.Engine.Context.StatCache;

/// <summary>One remembered file: its stat and the digests computed from it.</summary>
/// <param name="Content">sha256 of the file's bytes.</param>
/// <param name="Record">The file's checksum record (header + content), valid for the same stat.</param>
internal readonly record struct StatCacheEntry(StatKey Key, Digest Content, Digest Record);
