namespace Img.Engine.Graph;

/// <summary>How concurrent builds share a cache mount.</summary>
public enum CacheSharingMode { Shared, Private, Locked }
