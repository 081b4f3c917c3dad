namespace Img.Engine.Frontend.Dockerfile.Instructions;

/// <summary>How concurrent builds share a cache mount (<c>sharing=shared|private|locked</c>).</summary>
public enum CacheSharing { Shared, Private, Locked }
