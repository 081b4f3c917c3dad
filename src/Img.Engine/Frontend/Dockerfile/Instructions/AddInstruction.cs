namespace Img.Engine.Frontend.Dockerfile.Instructions;

/// <summary>
/// <c>ADD [--chown] [--chmod] [--link] [--keep-git-dir] [--checksum] [--unpack] [--exclude] src... dest</c>.
/// Here-document sources are in <see cref="SourceContents"/>, the others in <see cref="SourcePaths"/>.
/// </summary>
public sealed record AddInstruction(
    InstructionSource Source,
    IReadOnlyList<string> SourcePaths,
    IReadOnlyList<SourceContent> SourceContents,
    string DestPath,
    string Chown,
    string Chmod,
    bool Link,
    IReadOnlyList<string> ExcludePatterns,
    bool? KeepGitDir,
    string Checksum,
    bool? Unpack) : Instruction(Source)
{
    public override string Name => "ADD";
}
