using Img.Engine.Text;

namespace Img.Engine.BuildCache.Gc;

/// <summary>
/// Reads the gc settings from img's config file, in buildkitd.toml's spelling:
/// <code>
/// [worker.oci]
///   gc = true                    # false: no automatic gc
///   reservedSpace = "10GB"       # also maxUsedSpace, minFreeSpace; gckeepstorage (deprecated) = reservedSpace
/// [[worker.oci.gcpolicy]]
///   filters = ["type==source.local"]
///   keepDuration = "48h"         # Go duration, or seconds
///   keepBytes = "512MB"          # deprecated = reservedSpace; also maxUsedSpace, minFreeSpace ("N%" = of the disk)
///   all = false
/// </code>
/// The file is <c>&lt;state&gt;/img.toml</c>, else <c>$XDG_CONFIG_HOME/img/config.toml</c>
/// (<c>~/.config/img/config.toml</c>); none means buildkitd's defaults. Other tables and keys
/// (the rest of a buildkitd.toml) are ignored.
/// </summary>
public static class GcConfigFile
{
    /// <summary>The file that applies, or null.</summary>
    public static string? Locate(string stateRoot)
    {
        var own = Path.Join(stateRoot, "img.toml");
        if (File.Exists(own))
            return own;
        var xdg = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
        if (string.IsNullOrEmpty(xdg))
        {
            var home = Environment.GetEnvironmentVariable("HOME");
            if (string.IsNullOrEmpty(home))
                return null;
            xdg = Path.Join(home, ".config");
        }
        var user = Path.Join(xdg, "img", "config.toml");
        return File.Exists(user) ? user : null;
    }

    /// <exception cref="GcConfigException">A syntax error or a bad value, with the file and line.</exception>
    public static GcConfig Load(string stateRoot)
    {
        var path = Locate(stateRoot);
        return path is null ? GcConfig.Default : Parse(File.ReadAllText(path), path);
    }

    public static GcConfig Parse(string text, string path)
    {
        IReadOnlyList<TomlTable> tables;
        try
        {
            tables = TomlReader.Parse(text);
        }
        catch (TomlException e)
        {
            throw new GcConfigException($"{path}:{e.Line}: {e.Message}");
        }
        var config = GcConfig.Default;
        var policies = new List<GcPolicy>();
        foreach (var table in tables)
        {
            if (table.Path == "worker.oci" && !table.IsArrayItem)
            {
                foreach (var (key, value) in table.Values)
                {
                    config = key switch
                    {
                        "gc" => config with { Enabled = Bool(value, key, path) },
                        "gckeepstorage" => config with { KeepStorage = Space(value, key, path) },
                        "reservedSpace" => config with { ReservedSpace = Space(value, key, path) },
                        "maxUsedSpace" => config with { MaxUsedSpace = Space(value, key, path) },
                        "minFreeSpace" => config with { MinFreeSpace = Space(value, key, path) },
                        "gcpolicy" => throw Error(path, value.Line, "gcpolicy is an array of tables: [[worker.oci.gcpolicy]]"),
                        _ => config,
                    };
                }
            }
            else if (table.Path == "worker.oci.gcpolicy")
            {
                if (!table.IsArrayItem)
                    throw Error(path, table.Line, "gcpolicy is an array of tables: write [[worker.oci.gcpolicy]]");
                policies.Add(Policy(table, path));
            }
        }
        return config with { Policies = policies };
    }

    private static GcPolicy Policy(TomlTable table, string path)
    {
        var policy = new GcPolicy(false, [], TimeSpan.Zero, default, default, default, table.Line);
        var keepBytes = default(DiskSpace);
        foreach (var (key, value) in table.Values)
        {
            switch (key)
            {
                case "all":
                    policy = policy with { All = Bool(value, key, path) };
                    break;
                case "filters":
                    policy = policy with { Filters = Strings(value, key, path) };
                    try
                    {
                        CacheFilter.ParseAll(policy.Filters);
                    }
                    catch (FormatException e)
                    {
                        throw Error(path, value.Line, e.Message);
                    }
                    break;
                case "keepDuration":
                    policy = policy with { KeepDuration = Duration(value, key, path) };
                    break;
                case "keepBytes":
                    keepBytes = Space(value, key, path);
                    break;
                case "reservedSpace":
                    policy = policy with { ReservedSpace = Space(value, key, path) };
                    break;
                case "maxUsedSpace":
                    policy = policy with { MaxUsedSpace = Space(value, key, path) };
                    break;
                case "minFreeSpace":
                    policy = policy with { MinFreeSpace = Space(value, key, path) };
                    break;
                default:
                    throw Error(path, value.Line, $"unknown gcpolicy key {key} (all, filters, keepDuration, keepBytes, reservedSpace, maxUsedSpace, minFreeSpace)");
            }
        }
        // buildkitd: the deprecated keepBytes stands for reservedSpace when that is not set
        if (policy.ReservedSpace.IsUnset && !keepBytes.IsUnset)
            policy = policy with { ReservedSpace = keepBytes };
        return policy;
    }

    private static bool Bool(TomlValue value, string key, string path) =>
        value.Value as bool? ?? throw Error(path, value.Line, $"{key} must be true or false");

    private static IReadOnlyList<string> Strings(TomlValue value, string key, string path) =>
        value.Value is List<object> items && items.All(i => i is string)
            ? items.Cast<string>().ToList()
            : throw Error(path, value.Line, $"{key} must be an array of strings");

    private static DiskSpace Space(TomlValue value, string key, string path) => value.Value switch
    {
        long bytes when bytes >= 0 => DiskSpace.FromBytes(bytes),
        string text when DiskSpace.TryParse(text) is { } space => space,
        _ => throw Error(path, value.Line, $"invalid disk space for {key}: {Show(value.Value)} (e.g. \"512MB\", \"10GB\", \"10%\")"),
    };

    private static TimeSpan Duration(TomlValue value, string key, string path)
    {
        switch (value.Value)
        {
            case long seconds when seconds >= 0:
                return TimeSpan.FromSeconds(seconds);
            case string text:
                if (long.TryParse(text, out var s) && s >= 0)
                    return TimeSpan.FromSeconds(s);
                try
                {
                    var nanos = GoDuration.Parse(text);
                    if (nanos >= 0)
                        return TimeSpan.FromTicks(nanos / 100);
                }
                catch (FormatException)
                {
                }
                break;
        }
        throw Error(path, value.Line, $"invalid duration for {key}: {Show(value.Value)} (e.g. \"48h\", \"90m\", or seconds)");
    }

    private static string Show(object value) => value is string s ? "\"" + s + "\"" : Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "";

    private static GcConfigException Error(string path, int line, string message) => new($"{path}:{line}: {message}");
}
