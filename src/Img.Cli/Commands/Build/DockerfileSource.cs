namespace Img.Cli.Commands.Build;

/// <summary>
/// Where the Dockerfile and the context come from, docker's rules: <c>img build DIR</c> reads
/// <c>DIR/Dockerfile</c>; <c>-f FILE</c> is relative to the working directory; <c>-f -</c> or
/// <c>img build -</c> read it from stdin (the latter with no context at all).
/// </summary>
public static class DockerfileSource
{
    public static async Task<(string? ContextDirectory, string? DockerfilePath, string Name, byte[] Bytes)> ReadAsync(
        CommandContext context, string contextArgument, string? fileFlag, CancellationToken cancellationToken)
    {
        string? contextDir = null;
        if (contextArgument != "-")
        {
            contextDir = context.ResolvePath(contextArgument);
            if (!Directory.Exists(contextDir))
                throw new UserFacingException($"unable to prepare context: path \"{contextArgument}\" not found");
        }

        if (contextArgument == "-" || fileFlag == "-")
        {
            if (contextArgument == "-" && fileFlag is not null && fileFlag != "-")
                throw new UserFacingException("Dockerfile from stdin (\"-\") cannot be combined with -f");
            await using var stdin = context.OpenStdin();
            using var ms = new MemoryStream();
            await stdin.CopyToAsync(ms, cancellationToken);
            return (contextDir, null, "Dockerfile", ms.ToArray());
        }

        var path = fileFlag is null ? Path.Combine(contextDir!, "Dockerfile") : context.ResolvePath(fileFlag);
        if (!File.Exists(path))
        {
            var shown = fileFlag ?? Path.Combine(contextArgument, "Dockerfile");
            throw new UserFacingException($"failed to read dockerfile: open {shown}: no such file or directory");
        }
        return (contextDir, path, Path.GetFileName(path), await File.ReadAllBytesAsync(path, cancellationToken));
    }
}
