using System.Text;

namespace Img.Engine.Mounts;

/// <summary>The mounts this process sees, from <c>/proc/self/mountinfo</c>.</summary>
public static class MountTable
{
    /// <summary>Reads the mount table of the calling thread's mount namespace.</summary>
    public static IReadOnlyList<MountTableEntry> Read() => Parse(File.ReadAllText("/proc/thread-self/mountinfo"));

    /// <summary>Parses mountinfo text (proc(5)); malformed lines are skipped.</summary>
    public static IReadOnlyList<MountTableEntry> Parse(string text)
    {
        var entries = new List<MountTableEntry>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            // id parent major:minor root mount-point mount-options [optional fields...] - fstype source super-options
            var fields = line.Split(' ');
            var dash = fields.Length < 10 ? -1 : Array.IndexOf(fields, "-", 6);
            if (dash < 0 || dash + 3 >= fields.Length)
                continue;
            entries.Add(new MountTableEntry(
                Unescape(fields[3]),
                Unescape(fields[4]),
                fields[5].Split(','),
                fields[dash + 1],
                fields[dash + 3].Split(',')));
        }
        return entries;
    }

    // The kernel writes space, tab, newline and backslash in paths as \ooo (all ASCII).
    private static string Unescape(string field)
    {
        if (!field.Contains('\\'))
            return field;
        var b = new StringBuilder(field.Length);
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && i + 3 < field.Length && IsOctal(field[i + 1]) && IsOctal(field[i + 2]) && IsOctal(field[i + 3]))
            {
                b.Append((char)(((field[i + 1] - '0') << 6) | ((field[i + 2] - '0') << 3) | (field[i + 3] - '0')));
                i += 3;
            }
            else
            {
                b.Append(field[i]);
            }
        }
        return b.ToString();
    }

    private static bool IsOctal(char c) => c is >= '0' and <= '7';
}
