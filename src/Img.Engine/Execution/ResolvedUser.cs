namespace Img.Engine.Execution;

/// <summary>The numeric identity a container process runs as; <see cref="AdditionalGids"/> starts with <see cref="Gid"/>.</summary>
public sealed record ResolvedUser(uint Uid, uint Gid, IReadOnlyList<uint> AdditionalGids, string? Home = null);
