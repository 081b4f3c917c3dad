namespace Img.Engine.Operations.Files;

/// <summary>How a <see cref="FileOpRunner"/> applies actions.</summary>
public sealed record FileOpRunnerOptions
{
    /// <summary>
    /// SOURCE_DATE_EPOCH: the time given to directories a mkdir action creates (BuildKit sets it
    /// only on WORKDIR's mkdir, the only mkdir the Dockerfile frontend emits); null = now.
    /// </summary>
    public DateTimeOffset? SourceDateEpoch { get; init; }

    /// <summary>
    /// Fail when a <c>--chown</c> user or group name is not in the destination's passwd/group file
    /// ("unable to find user X: no matching entries in passwd file"). BuildKit does not: an unknown
    /// name silently means id 0, which is the default here too.
    /// </summary>
    public bool RequireKnownOwners { get; init; }

    /// <summary>Files copied in parallel at most; default twice the core count.</summary>
    public int MaxParallelCopies { get; init; } = Math.Max(2, Environment.ProcessorCount * 2);
}
