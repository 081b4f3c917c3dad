using System.Text.Json.Nodes;

namespace Img.Differential;

/// <summary>Compares two image config documents field by field. Normalised away (see
/// README.md): "created" everywhere unless --mtime, the diff_ids' values (layer digests depend
/// on tar headers and mtimes; the layers are compared entry by entry instead), and the fields
/// only one engine writes about its own runtime ("container", "container_config",
/// "docker_version", BuildKit's "moby.buildkit.*" keys).</summary>
internal static class ConfigComparer
{
    private static readonly HashSet<string> IgnoredTopLevel =
        ["created", "container", "container_config", "docker_version", "rootfs", "history", "config"];

    public static void Compare(JsonObject buildkit, JsonObject img, CompareOptions options, DiffReport report)
    {
        var compareCreated = options.CompareMtime;
        foreach (var key in Keys(buildkit, img))
        {
            if (IgnoredTopLevel.Contains(key) || key.StartsWith("moby.buildkit.", StringComparison.Ordinal)) continue;
            CompareValue(key, buildkit[key], img[key], report);
        }
        if (compareCreated) CompareValue("created", buildkit["created"], img["created"], report);

        var bkConfig = buildkit["config"] as JsonObject ?? [];
        var imgConfig = img["config"] as JsonObject ?? [];
        foreach (var key in Keys(bkConfig, imgConfig))
            CompareValue("config." + key, bkConfig[key], imgConfig[key], report);

        var bkDiffIds = buildkit["rootfs"]?["diff_ids"]?.AsArray().Count ?? 0;
        var imgDiffIds = img["rootfs"]?["diff_ids"]?.AsArray().Count ?? 0;
        if (bkDiffIds != imgDiffIds) report.Add("rootfs.diff_ids count", bkDiffIds.ToString(), imgDiffIds.ToString());

        var bkHistory = buildkit["history"]?.AsArray() ?? [];
        var imgHistory = img["history"]?.AsArray() ?? [];
        if (bkHistory.Count != imgHistory.Count)
            report.Add("history count", bkHistory.Count.ToString(), imgHistory.Count.ToString());
        for (var i = 0; i < Math.Max(bkHistory.Count, imgHistory.Count); i++)
        {
            var b = i < bkHistory.Count ? bkHistory[i] as JsonObject ?? [] : [];
            var m = i < imgHistory.Count ? imgHistory[i] as JsonObject ?? [] : [];
            foreach (var key in Keys(b, m))
            {
                if (key == "created" && !compareCreated) continue;
                if (key == "created_by" && !options.Strict && !JsonNode.DeepEquals(b[key], m[key]) && HistoryText.Known(b[key]?.GetValue<string>(), m[key]?.GetValue<string>()) is { } why)
                    report.Known($"history[{i}].created_by: buildkit={ArchiveImage.Pretty(b[key])} img={ArchiveImage.Pretty(m[key])}: {why}");
                else
                    CompareValue($"history[{i}].{key}", b[key], m[key], report);
            }
        }
    }

    private static IEnumerable<string> Keys(JsonObject a, JsonObject b) =>
        a.Select(kv => kv.Key).Union(b.Select(kv => kv.Key)).Order(StringComparer.Ordinal);

    // A missing field and an explicit null read the same to every consumer (docker inspect,
    // runtimes); an empty list or map does not always, so it stays a difference.
    private static void CompareValue(string where, JsonNode? buildkit, JsonNode? img, DiffReport report)
    {
        if (buildkit is null && img is null) return;
        if (buildkit is not null && img is not null && JsonNode.DeepEquals(buildkit, img)) return;
        report.Add(where, ArchiveImage.Pretty(buildkit), ArchiveImage.Pretty(img));
    }
}
