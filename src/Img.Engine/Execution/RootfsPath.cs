namespace Img.Engine.Execution;

/// <summary>
/// Resolves a path inside a root filesystem the way the container would see it: symlinks are
/// followed relative to the root and <c>..</c> never climbs above it, so the result always lies
/// under the root.
/// </summary>
public static class RootfsPath
{
    /// <summary>The host path of <paramref name="path"/> inside <paramref name="root"/> (which may not exist yet).</summary>
    public static string Resolve(string root, string path)
    {
        var parts = new List<string>();
        var pending = new Stack<string>(Split(path).Reverse());
        int links = 0;
        while (pending.Count > 0)
        {
            string c = pending.Pop();
            if (c == "." || c.Length == 0)
            {
                continue;
            }
            if (c == "..")
            {
                if (parts.Count > 0)
                {
                    parts.RemoveAt(parts.Count - 1);
                }
                continue;
            }
            string candidate = Path.Join(root, string.Join('/', parts), c);
            string? target = new FileInfo(candidate).LinkTarget;
            if (target is null)
            {
                parts.Add(c);
                continue;
            }
            if (++links > 255)
            {
                throw new IOException($"too many levels of symbolic links resolving {path} in {root}");
            }
            if (target.StartsWith('/'))
            {
                parts.Clear();
            }
            foreach (string t in Split(target).Reverse())
            {
                pending.Push(t);
            }
        }
        return parts.Count == 0 ? root : Path.Join(root, string.Join('/', parts));
    }

    private static string[] Split(string p) => p.Split('/', StringSplitOptions.RemoveEmptyEntries);
}
