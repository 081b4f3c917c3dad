namespace Img.Cli.Commands.Debug;

/// <summary>Reads a Dockerfile named on the command line, or stdin for <c>-</c>; the name is what errors show.</summary>
public static class DockerfileInput
{
    public static async Task<(string Name, byte[] Bytes)> ReadAsync(CommandContext context, string argument, CancellationToken cancellationToken)
    {
        if (argument == "-")
        {
            await using var stdin = context.OpenStdin();
            using var ms = new MemoryStream();
            await stdin.CopyToAsync(ms, cancellationToken);
            return ("Dockerfile", ms.ToArray());
        }
        var path = context.ResolvePath(argument);
        if (Directory.Exists(path))
            path = Path.Combine(path, "Dockerfile");
        if (!File.Exists(path))
            throw new UserFacingException($"failed to read dockerfile: open {argument}: no such file or directory");
        return (Path.GetFileName(path), await File.ReadAllBytesAsync(path, cancellationToken));
    }
}
