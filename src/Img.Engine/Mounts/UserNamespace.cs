using Img.Engine.Native;
namespace Img.Engine.Mounts;

/// <summary>Facts about the user namespace this process runs in.</summary>
public static class UserNamespace
{
    private static readonly Lazy<bool> Initial = new(() => IsInitialMapping(ReadMap("/proc/self/uid_map")));

    /// <summary>
    /// True when the process is in the initial user namespace (uid_map is the identity over the
    /// whole 32-bit range). False inside any user namespace, even one with a full mapping.
    /// </summary>
    public static bool IsInitial => Initial.Value;

    /// <summary>True when the effective uid is 0 (in whatever namespace this process is in).</summary>
    public static bool IsRoot => Posix.GetEffectiveUserId() == 0;

    /// <summary>True when this process is real root: uid 0 in the initial user namespace.</summary>
    public static bool IsRealRoot => IsRoot && IsInitial;

    /// <summary>The contents of <c>/proc/self/uid_map</c> (for <c>--debug</c> messages).</summary>
    public static string UidMap => ReadMap("/proc/self/uid_map").Trim();

    internal static bool IsInitialMapping(string map)
    {
        string[] lines = map.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length != 1)
        {
            return false;
        }
        string[] f = lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return f.Length == 3 && f[0] == "0" && f[1] == "0" && f[2] == "4294967295";
    }

    private static string ReadMap(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return "";
        }
    }
}
