using System.Globalization;

namespace Img.Engine.Execution;

/// <summary>
/// Resolves a Dockerfile <c>USER</c> value (<c>user[:group]</c>, names or numeric ids) against a
/// root filesystem's <c>/etc/passwd</c> and <c>/etc/group</c>, as BuildKit does:
/// <list type="bullet">
/// <item><c>uid:gid</c>, both numeric (<c>root</c> counts as 0), needs no passwd entry;</item>
/// <item>a lone numeric uid takes the gid and groups of its passwd entry, and gid 0 without one
/// (BuildKit's oci.GetUser: only <c>uid:gid</c> takes the fast path, the rest goes through
/// GetExecUser with zero defaults; buildkitd v0.11.6 ran <c>USER 4321</c> as gid 0);</item>
/// <item>a user name must exist in passwd (else "unable to find user NAME: no matching entries in
/// passwd file"); its gid is the passwd gid unless a group is given;</item>
/// <item>without an explicit group, every group in <c>/etc/group</c> listing the user is a supplementary group.</item>
/// </list>
/// </summary>
public static class UserResolver
{
    /// <summary>Resolves <paramref name="user"/> inside <paramref name="rootfs"/>.</summary>
    /// <exception cref="ExecutionException">Unknown user or group name.</exception>
    public static ResolvedUser Resolve(string rootfs, string? user)
    {
        if (string.IsNullOrEmpty(user))
        {
            user = "0";
        }
        int colon = user.IndexOf(':');
        string userPart = colon < 0 ? user : user[..colon];
        string? groupPart = colon < 0 ? null : user[(colon + 1)..];

        if (groupPart is not null && TryParseId(userPart, out uint fastUid) && TryParseId(groupPart, out _))
        {
            uint gid = ParseId(groupPart);
            PasswdEntry? known = ReadPasswd(rootfs).FirstOrDefault(p => p.Uid == fastUid);
            return new ResolvedUser(fastUid, gid, [gid], known?.Home);
        }

        List<PasswdEntry> passwd = ReadPasswd(rootfs);
        List<GroupEntry> groups = ReadGroups(rootfs);
        PasswdEntry? entry = TryParseId(userPart, out uint numericUid)
            ? passwd.FirstOrDefault(p => p.Uid == numericUid)
            : passwd.FirstOrDefault(p => p.Name == userPart);
        if (entry is null && !TryParseId(userPart, out _))
        {
            throw new ExecutionException($"unable to find user {userPart}: no matching entries in passwd file");
        }
        uint uid = entry?.Uid ?? numericUid;
        uint primary = entry?.Gid ?? 0;
        var additional = new List<uint>();
        if (groupPart is not null)
        {
            if (TryParseId(groupPart, out uint g))
            {
                primary = g;
            }
            else
            {
                GroupEntry? ge = groups.FirstOrDefault(x => x.Name == groupPart)
                    ?? throw new ExecutionException($"unable to find group {groupPart}: no matching entries in group file");
                primary = ge.Gid;
            }
            additional.Add(primary);
        }
        else
        {
            additional.Add(primary);
            if (entry is not null)
            {
                foreach (GroupEntry ge in groups)
                {
                    if (ge.Members.Contains(entry.Name) && !additional.Contains(ge.Gid))
                    {
                        additional.Add(ge.Gid);
                    }
                }
            }
        }
        return new ResolvedUser(uid, primary, additional, entry?.Home);
    }

    internal sealed record PasswdEntry(string Name, uint Uid, uint Gid, string Home);

    internal sealed record GroupEntry(string Name, uint Gid, IReadOnlyList<string> Members);

    internal static List<PasswdEntry> ReadPasswd(string rootfs)
    {
        var list = new List<PasswdEntry>();
        foreach (string[] f in ReadColonFile(rootfs, "/etc/passwd"))
        {
            // name:password:uid:gid:gecos:home:shell
            if (f.Length >= 4 && uint.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out uint uid)
                && uint.TryParse(f[3], NumberStyles.None, CultureInfo.InvariantCulture, out uint gid))
            {
                list.Add(new PasswdEntry(f[0], uid, gid, f.Length > 5 ? f[5] : "/"));
            }
        }
        return list;
    }

    internal static List<GroupEntry> ReadGroups(string rootfs)
    {
        var list = new List<GroupEntry>();
        foreach (string[] f in ReadColonFile(rootfs, "/etc/group"))
        {
            // name:password:gid:member,member
            if (f.Length >= 3 && uint.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out uint gid))
            {
                string[] members = f.Length > 3 ? f[3].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [];
                list.Add(new GroupEntry(f[0], gid, members));
            }
        }
        return list;
    }

    private static IEnumerable<string[]> ReadColonFile(string rootfs, string path)
    {
        string host = RootfsPath.Resolve(rootfs, path);
        if (!File.Exists(host))
        {
            yield break;
        }
        foreach (string raw in File.ReadLines(host))
        {
            string line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            yield return line.Split(':');
        }
    }

    private static bool TryParseId(string s, out uint id)
    {
        if (s == "root")
        {
            id = 0;
            return true;
        }
        return uint.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out id);
    }

    private static uint ParseId(string s) => TryParseId(s, out uint id) ? id : throw new FormatException(s);
}
