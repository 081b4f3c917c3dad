using Img.Engine.Frontend.Dockerfile.Instructions;

namespace Img.Engine.Frontend.Dockerfile.Conversion;

/// <summary>COPY and ADD after expansion, in one shape (BuildKit's <c>copyConfig</c>).</summary>
internal sealed record CopyRequest(
    Instruction Instruction,
    bool IsAdd,
    IReadOnlyList<string> SourcePaths,
    IReadOnlyList<SourceContent> SourceContents,
    string DestPath,
    string Chown,
    string Chmod,
    bool Link,
    bool Parents,
    IReadOnlyList<string> ExcludePatterns,
    bool? KeepGitDir,
    string Checksum,
    bool? Unpack)
{
    public static CopyRequest From(CopyInstruction c) => new(c, false, c.SourcePaths, c.SourceContents, c.DestPath,
        c.Chown, c.Chmod, c.Link, c.Parents, c.ExcludePatterns, null, "", null);

    public static CopyRequest From(AddInstruction c) => new(c, true, c.SourcePaths, c.SourceContents, c.DestPath,
        c.Chown, c.Chmod, c.Link, false, c.ExcludePatterns, c.KeepGitDir, c.Checksum, c.Unpack);
}
