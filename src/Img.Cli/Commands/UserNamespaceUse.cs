namespace Img.Cli.Commands;

/// <summary>
/// Whether a command, run by a non-root user, re-executes itself as root of a user + mount
/// namespace (<see cref="Hosting.RootlessReexec"/>). Snapshot files belong to the user's
/// subordinate ids on the host, so whatever mounts, unpacks or deletes them needs the namespace.
/// </summary>
public enum UserNamespaceUse
{
    /// <summary>Runs as the user (pull, push, ls, save, load, ...).</summary>
    None,

    /// <summary>Creates files with image ownership (build, unpack): without a namespace it fails.</summary>
    Required,

    /// <summary>Reads and deletes snapshot files (du, prune): without a namespace it runs on what the user's own uid can reach.</summary>
    WhenAvailable,
}
