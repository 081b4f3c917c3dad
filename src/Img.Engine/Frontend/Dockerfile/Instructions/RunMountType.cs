namespace Img.Engine.Frontend.Dockerfile.Instructions;

/// <summary>The <c>type=</c> of a <c>RUN --mount</c>.</summary>
public enum RunMountType { Bind, Cache, Tmpfs, Secret, Ssh }
