using System.Collections.Concurrent;
using System.Text.Json;
using Img.Engine.BuildCache.Gc;

namespace Img.Engine.BuildCache;

/// <summary>
/// Cache hits, by snapshot name: BuildKit updates an entry's last-used time and usage count each
/// time a build reuses it, and gc and <c>prune --filter until / --keep-storage</c> go by that.
/// A build collects its hits in memory (<see cref="Touch"/>) and writes them once when it ends
/// (<see cref="Flush"/>, under the state lock) to <c>&lt;state&gt;/cache/usage.json</c>: one small
/// file, not a journal write per hit.
/// </summary>
public sealed class BuildCacheUsage(string path)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _hits = new(StringComparer.Ordinal);

    public static string PathIn(string stateRoot) => Path.Join(stateRoot, "cache", "usage.json");

    public string FilePath => path;

    /// <summary>Records a use of <paramref name="snapshot"/> now.</summary>
    public void Touch(string snapshot) => _hits[snapshot] = DateTimeOffset.UtcNow;

    /// <summary>Adds this process's hits to the file (newest time, one more use each) and forgets them.</summary>
    public void Flush()
    {
        if (_hits.IsEmpty)
            return;
        var uses = new Dictionary<string, CacheUse>(Load(path), StringComparer.Ordinal);
        foreach (var (name, when) in _hits)
        {
            uses[name] = uses.TryGetValue(name, out var known)
                ? new CacheUse(when > known.LastUsed ? when : known.LastUsed, known.Count + 1)
                : new CacheUse(when, 1);
        }
        _hits.Clear();
        Save(path, uses);
    }

    /// <summary>Drops the entries of removed snapshots (prune and gc).</summary>
    public static void Forget(string path, IEnumerable<string> snapshots)
    {
        var uses = new Dictionary<string, CacheUse>(Load(path), StringComparer.Ordinal);
        var changed = false;
        foreach (var name in snapshots)
            changed |= uses.Remove(name);
        if (changed)
            Save(path, uses);
    }

    public static IReadOnlyDictionary<string, CacheUse> Load(string path)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(path), GcJsonContext.Default.DictionaryStringCacheUse)
                ?? new Dictionary<string, CacheUse>();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or JsonException)
        {
            // none yet, or cut short by a power loss: the entries' write times still count
            return new Dictionary<string, CacheUse>();
        }
    }

    private static void Save(string path, Dictionary<string, CacheUse> uses)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var tmp = path + ".tmp";
        File.WriteAllBytes(tmp, JsonSerializer.SerializeToUtf8Bytes(uses, GcJsonContext.Default.DictionaryStringCacheUse));
        File.Move(tmp, path, overwrite: true);
    }
}
