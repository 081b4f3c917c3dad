namespace Img.Differential;

/// <summary>Compares layers pairwise by position: the set of paths, then each entry's type,
/// mode, owner, link target, size, content digest and xattrs (mtime only when asked).</summary>
internal static class LayerComparer
{
    public static void Compare(IReadOnlyList<LayerContents> buildkit, IReadOnlyList<LayerContents> img,
        CompareOptions options, DiffReport report)
    {
        if (buildkit.Count != img.Count)
            report.Add("layer count", buildkit.Count.ToString(), img.Count.ToString());
        // What BuildKit's earlier layers hold, whiteouts applied: to tell an unchanged copied-up
        // directory from a changed one.
        var below = new Dictionary<string, LayerEntry>(StringComparer.Ordinal);
        for (var i = 0; i < Math.Min(buildkit.Count, img.Count); i++)
        {
            CompareLayer(i, buildkit[i], img[i], below, options, report);
            Apply(below, buildkit[i]);
        }
        for (var i = img.Count; i < buildkit.Count; i++)
            report.Note($"layer {i} only in buildkit: {Summary(buildkit[i])}");
        for (var i = buildkit.Count; i < img.Count; i++)
            report.Note($"layer {i} only in img: {Summary(img[i])}");
    }

    private static void Apply(Dictionary<string, LayerEntry> tree, LayerContents layer)
    {
        foreach (var e in layer.Entries)
        {
            var slash = e.Path.LastIndexOf('/');
            var dir = slash < 0 ? "" : e.Path[..(slash + 1)];
            var name = e.Path[(slash + 1)..];
            if (name == ".wh..wh..opq")
                foreach (var k in tree.Keys.Where(k => k.StartsWith(dir, StringComparison.Ordinal)).ToList()) tree.Remove(k);
            else if (name.StartsWith(".wh.", StringComparison.Ordinal))
            {
                var gone = dir + name[4..];
                foreach (var k in tree.Keys.Where(k => k == gone || k.StartsWith(gone + "/", StringComparison.Ordinal)).ToList()) tree.Remove(k);
            }
            else tree[e.Path] = e;
        }
    }

    private static string Summary(LayerContents layer) =>
        string.Join(" ", layer.Entries.Take(12).Select(e => e.Path)) + (layer.Entries.Count > 12 ? " ..." : "");

    private static void CompareLayer(int index, LayerContents buildkit, LayerContents img,
        IReadOnlyDictionary<string, LayerEntry> below, CompareOptions options, DiffReport report)
    {
        var where = $"layer {index}";
        foreach (var d in buildkit.Duplicates) report.Note($"{where} {d}: twice in buildkit's layer");
        foreach (var d in img.Duplicates) report.Note($"{where} {d}: twice in img's layer");
        var paths = buildkit.ByPath.Keys.Union(img.ByPath.Keys).Order(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            if (options.KnownReason(path) is { } reason)
            {
                var bk = buildkit.ByPath.GetValueOrDefault(path);
                var im = img.ByPath.GetValueOrDefault(path);
                if (bk is null || im is null || bk != im with { MtimeUnix = bk.MtimeUnix })
                    report.Known($"{where} /{path}: buildkit={(bk is null ? "-" : Describe(bk))} img={(im is null ? "-" : Describe(im))}: {reason}");
                continue;
            }
            var inBuildkit = buildkit.ByPath.TryGetValue(path, out var b);
            var inImg = img.ByPath.TryGetValue(path, out var m);
            if (!inBuildkit)
            {
                if (options.Excuses08 && Buildkit08Artifacts.WhiteoutUnderOpaque(path, buildkit.ByPath))
                    report.Known($"{where} /{path}: only in img: a whiteout where dockerd wrote the opaque marker");
                else report.Note($"{where} /{path}: only in img ({Describe(m!)})");
                continue;
            }
            if (!inImg)
            {
                var descendants = buildkit.ByPath.Keys.Where(k => k.StartsWith(path + "/", StringComparison.Ordinal)).ToList();
                var known = !options.Excuses08 ? null : options.Artifacts.BuildkitOnly(b!, below, descendants);
                if (known is not null) report.Known($"{where} /{path}: only in buildkit: {known}");
                else report.Note($"{where} /{path}: only in buildkit ({Describe(b!)})");
                continue;
            }
            var whiteout = options.Excuses08 && Buildkit08Artifacts.IsWhiteout(path);
            void Field<T>(string name, T x, T y)
            {
                if (EqualityComparer<T>.Default.Equals(x, y)) return;
                if (whiteout && name is "mode" or "link" or "type")
                    report.Known($"{where} /{path} {name}: buildkit={x} img={y}: dockerd's whiteout format");
                else report.Add($"{where} /{path} {name}", $"{x}", $"{y}");
            }
            Field("type", b!.Type, m!.Type);
            Field("mode", b.Mode, m.Mode);
            Field("uid", b.Uid, m.Uid);
            Field("gid", b.Gid, m.Gid);
            Field("link", b.LinkName, m.LinkName);
            Field("size", b.Size, m.Size);
            if (b.Size == m.Size) Field("content", b.ContentSha256 ?? "-", m.ContentSha256 ?? "-");
            Field("xattrs", b.Xattrs, m.Xattrs);
            if (options.CompareEntryMtime) Field("mtime", b.MtimeUnix, m.MtimeUnix);
        }
    }

    private static string Describe(LayerEntry e) =>
        $"{e.Type} {e.Mode} {e.Uid}:{e.Gid}" + (e.LinkName.Length > 0 ? $" -> {e.LinkName}" : "") +
        (e.Type == "file" ? $" {e.Size}B" : "");
}
