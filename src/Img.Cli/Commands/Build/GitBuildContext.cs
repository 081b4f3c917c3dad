using Img.Engine.Git;

namespace Img.Cli.Commands.Build;

/// <summary>
/// <c>img build https://host/repo.git#ref:subdir</c>: the ref resolved to its commit and that
/// commit's tree (or subdirectory) checked out into a temporary directory, which then is the build
/// context like any directory (with <c>--keep-git-dir</c> or BuildKit's
/// <c>BUILDKIT_CONTEXT_KEEP_GIT_DIR=1</c>, with its <c>.git</c>). The Dockerfile is read from the
/// checkout (<c>-f</c> relative to it); an absolute <c>-f</c> is a local file, as buildx reads it.
/// </summary>
internal static class GitBuildContext
{
    public static async Task<string> CheckoutAsync(string url, bool keepGitDir, string tempRoot, CancellationToken ct)
    {
        var dir = Path.Join(tempRoot, "git-context-" + Guid.NewGuid().ToString("N"));
        try
        {
            var git = GitUrl.Parse(url);
            var commit = await GitRefResolver.ResolveAsync(git, ct);
            await GitCheckout.CheckoutAsync(git, commit, keepGitDir, dir, tempRoot, ct);
            return dir;
        }
        catch (GitException e)
        {
            if (Directory.Exists(dir))
                Directory.Delete(dir, recursive: true);
            throw new UserFacingException(SolveErrors.Failed(e.Message), 1, e);
        }
    }

    public static async Task<(string Path, string Name, byte[] Bytes)> ReadDockerfileAsync(CommandContext context, string checkout, string? fileFlag, CancellationToken ct)
    {
        if (fileFlag == "-")
            throw new UserFacingException("a Dockerfile from stdin cannot be combined with a git build context yet");
        var path = fileFlag is null ? Path.Join(checkout, "Dockerfile")
            : Path.IsPathRooted(fileFlag) ? context.ResolvePath(fileFlag)
            : Path.GetFullPath(Path.Join(checkout, fileFlag));
        if (!path.StartsWith(checkout + "/", StringComparison.Ordinal) && !Path.IsPathRooted(fileFlag ?? ""))
            throw new UserFacingException($"failed to read dockerfile: {fileFlag} is outside the build context");
        if (!File.Exists(path))
            throw new UserFacingException(SolveErrors.Failed($"failed to read dockerfile: open {fileFlag ?? "Dockerfile"}: no such file or directory"));
        return (path, Path.GetFileName(path), await File.ReadAllBytesAsync(path, ct));
    }
}
