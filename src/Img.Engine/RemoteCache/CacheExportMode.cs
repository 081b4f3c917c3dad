namespace Img.Engine.RemoteCache;

/// <summary>Which results a cache export writes (BuildKit's <c>mode</c> attribute).</summary>
public enum CacheExportMode
{
    /// <summary>No cache export.</summary>
    None = 0,

    /// <summary><c>mode=min</c> (the default): the steps of the final image, from its base up.</summary>
    Min = 1,

    /// <summary><c>mode=max</c>: every step of every stage the build used.</summary>
    Max = 2,
}
