using System.Text.Json.Serialization;

namespace Img.Engine.Snapshots.Storage;

/// <summary>The JSON of <see cref="SnapshotRecord"/>, generated at build time (no reflection at run time).</summary>
[JsonSerializable(typeof(SnapshotRecord))]
[JsonSourceGenerationOptions(WriteIndented = true, UseStringEnumConverter = true)]
internal sealed partial class SnapshotJsonContext : JsonSerializerContext;
