namespace Img.Engine.BuildCache;

/// <summary>What a <see cref="BuildCacheEntry"/> holds (BuildKit's usage record types, where one fits).</summary>
public enum BuildCacheEntryType
{
    /// <summary>A build step's snapshot (RUN, COPY, ADD, WORKDIR, merge), or a record pointing at one.</summary>
    Regular,
    /// <summary>A base image layer unpacked into a snapshot (named by its chain ID), shared by every build on that image.</summary>
    SourceImage,
    /// <summary>A record of a local source (the build context): nothing on disk, served in place.</summary>
    SourceLocal,
    /// <summary>A record without a filesystem: an export of an empty image, or a result on another node.</summary>
    Record,
    /// <summary>A record whose snapshot no longer exists: useless, always pruned.</summary>
    Dangling,
    /// <summary>A <c>RUN --mount=type=cache</c> directory (BuildKit's <c>exec.cachemount</c>): no record, only the directory.</summary>
    ExecCacheMount,
}
