using Img.Engine.Native;

namespace Img.Engine.Diff;

/// <summary>
/// Turns changes into tar entries, writing each changed entry's not-yet-written parent
/// directories first (read from <c>upperRoot</c>) so an unpacker recreates them with their real
/// owner and mode.
/// </summary>
internal sealed class LayerChangeWriter(LayerTarWriter tar, string upperRoot)
{
    private readonly HashSet<string> _dirs = new(StringComparer.Ordinal);

    public int Entries { get; private set; }

    public void Add(string name, string fullPath, FileStatus st)
    {
        IncludeParents(name);
        tar.WriteEntry(name, fullPath, st);
        Entries++;
        if (st.IsDirectory)
        {
            _dirs.Add(name);
        }
    }

    public void Delete(string name)
    {
        IncludeParents(name);
        tar.WriteWhiteout(name);
        Entries++;
    }

    private void IncludeParents(string name)
    {
        int slash = name.LastIndexOf('/');
        if (slash <= 0)
        {
            return;
        }
        string parent = name[..slash];
        if (_dirs.Contains(parent))
        {
            return;
        }
        string full = Path.Join(upperRoot, parent);
        Add(parent, full, Posix.LStat(full));
    }
}
