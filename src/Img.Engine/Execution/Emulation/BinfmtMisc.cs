namespace Img.Engine.Execution.Emulation;

/// <summary>
/// The kernel's binfmt_misc registry (<c>/proc/sys/fs/binfmt_misc</c>): which handlers would run
/// a binary of another architecture (QEMU user emulation, Debian <c>qemu-user-static</c>).
/// Read fresh on each question: a handler registered while img runs counts at once.
/// </summary>
public sealed class BinfmtMisc(string root = BinfmtMisc.DefaultRoot)
{
    public const string DefaultRoot = "/proc/sys/fs/binfmt_misc";

    /// <summary>Whether binfmt_misc is mounted (its <c>register</c> file exists) and globally enabled.</summary>
    public bool Available =>
        File.Exists(Path.Join(root, "register")) && ReadOrNull(Path.Join(root, "status"))?.Trim() != "disabled";

    /// <summary>The enabled handler that matches <paramref name="header"/>, or null.</summary>
    public BinfmtHandler? HandlerFor(ReadOnlySpan<byte> header)
    {
        foreach (var handler in Handlers())
        {
            if (handler.Matches(header))
                return handler;
        }
        return null;
    }

    /// <summary>Every enabled handler registered (none when binfmt_misc is not available).</summary>
    public IEnumerable<BinfmtHandler> Handlers()
    {
        if (!Available)
            yield break;
        foreach (var file in Directory.EnumerateFiles(root))
        {
            var name = Path.GetFileName(file);
            if (name is "register" or "status" || ReadOrNull(file) is not { } text)
                continue;
            if (BinfmtHandler.Parse(name, text) is { Enabled: true } handler)
                yield return handler;
        }
    }

    private static string? ReadOrNull(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
