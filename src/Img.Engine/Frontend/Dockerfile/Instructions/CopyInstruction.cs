namespace Img.Engine.Frontend.Dockerfile.Instructions;

/// <summary>
/// <c>COPY [--from] [--chown] [--chmod] [--link] [--parents] [--exclude] src... dest</c>.
/// <see cref="From"/> is a stage name, a stage index or an image reference, or "".
/// </summary>
public sealed record CopyInstruction(
    InstructionSource Source,
    IReadOnlyList<string> SourcePaths,
    IReadOnlyList<SourceContent> SourceContents,
    string DestPath,
    string From,
    string Chown,
    string Chmod,
    bool Link,
    bool Parents,
    IReadOnlyList<string> ExcludePatterns) : Instruction(Source)
{
    public override string Name => "COPY";
}
