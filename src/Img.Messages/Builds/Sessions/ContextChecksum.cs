using Img.Engine.Solver;
using MessagePack;

namespace Img.Messages.Builds.Sessions;

/// <summary>The checksum the client took of one selection of a local source (<c>local:NAME</c> identifier).</summary>
[MessagePackObject]
public sealed record ContextChecksum([property: Key(0)] string Source, [property: Key(1)] SelectionSpec Selection, [property: Key(2)] string Digest)
{
    /// <summary>A selection's identity in a checksum table (records compare lists by reference, so not the record itself).</summary>
    public static string KeyOf(string source, ContentSelection s) =>
        string.Join('\u0000', source, s.Path, string.Join('\u0001', s.IncludePatterns), string.Join('\u0001', s.ExcludePatterns), s.FollowSymlinks, s.AllowWildcard, s.AllowEmptyWildcard);
}
