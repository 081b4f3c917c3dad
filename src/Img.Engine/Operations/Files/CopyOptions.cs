using Img.Engine.Context.Ignore;

namespace Img.Engine.Operations.Files;

/// <summary>What one copy applies to the entries it writes (BuildKit's <c>CopyInfo</c>).</summary>
internal sealed record CopyOptions
{
    /// <summary><c>--chown</c>: the owner of everything written and of created parents; null = keep.</summary>
    public FileOwner? Owner { get; init; }

    /// <summary><c>--chmod</c> octal (07777); also the mode of created parents (0777 part).</summary>
    public uint? Mode { get; init; }

    /// <summary><c>--chmod</c> symbolic, applied to each entry's own mode.</summary>
    public SymbolicMode? SymbolicMode { get; init; }

    /// <summary>A fixed time for everything written; null = keep the source times.</summary>
    public DateTimeOffset? Time { get; init; }

    /// <summary>A source directory's contents go to the destination, not the directory itself.</summary>
    public bool CopyDirectoryContents { get; init; }

    /// <summary>Follow a symlink that is the source path itself.</summary>
    public bool FollowSymlinks { get; init; }

    public PatternMatcher? Include { get; init; }

    public PatternMatcher? Exclude { get; init; }

    public int MaxParallelCopies { get; init; } = 4;
}
