using System.Text.Json.Serialization;

namespace Img.Engine.BuildCache.Gc;

/// <summary>Source-generated JSON for gc's files (no reflection: the CLI runs without dynamic code).</summary>
[JsonSerializable(typeof(GcCheckpoint))]
[JsonSerializable(typeof(Dictionary<string, CacheUse>))]
internal sealed partial class GcJsonContext : JsonSerializerContext;
