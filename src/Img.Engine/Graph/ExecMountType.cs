namespace Img.Engine.Graph;

/// <summary>What an <see cref="ExecMount"/> mounts.</summary>
public enum ExecMountType { Bind, Cache, Tmpfs, Secret, Ssh }
