using System.Globalization;
using Img.Engine.Execution;

namespace Img.Engine.Operations.Files;

/// <summary>
/// Turns a <c>--chown</c> / mkdir owner string into numeric ids the way BuildKit does
/// (<c>llb.WithUser</c> then the file op's user lookup):
/// <list type="bullet">
/// <item><c>user[:group]</c>, split at the first colon; <c>root</c> and decimal numbers are ids;</item>
/// <item>a numeric user alone gives the same number as the group (<c>1000</c> = <c>1000:1000</c>);</item>
/// <item>a user name is looked up in the destination's <c>/etc/passwd</c> (resolved inside its root),
/// giving the uid and the primary gid; a group name in <c>/etc/group</c>;</item>
/// <item>a name that is not found leaves the id at 0, silently, as BuildKit does (unless
/// <see cref="FileOpRunnerOptions.RequireKnownOwners"/>); an empty part (<c>user:</c>) means 0;</item>
/// <item>names need a destination to look in: on scratch they are an error ("invalid missing user mount").</item>
/// </list>
/// </summary>
internal static class OwnerResolver
{
    /// <param name="chown">The owner string, or null/empty for none.</param>
    /// <param name="rootfs">The destination root, or null when the destination is scratch.</param>
    /// <returns>The owner, or null when <paramref name="chown"/> is empty (keep owners).</returns>
    public static FileOwner? Resolve(string? chown, string? rootfs, bool requireKnown)
    {
        if (string.IsNullOrEmpty(chown)) return null;
        int colon = chown.IndexOf(':');
        string userPart = colon < 0 ? chown : chown[..colon];
        string? groupPart = colon < 0 ? null : chown[(colon + 1)..];

        int uid = 0, gid = 0;
        if (TryParseId(userPart, out int id))
        {
            uid = gid = id;
        }
        else if (userPart.Length > 0)
        {
            if (rootfs is null) throw new FileOpException("invalid missing user mount");
            var entry = UserResolver.ReadPasswd(rootfs).FirstOrDefault(p => p.Name == userPart);
            if (entry is not null)
            {
                uid = (int)entry.Uid;
                gid = (int)entry.Gid;
            }
            else if (requireKnown)
            {
                throw new FileOpException($"unable to find user {userPart}: no matching entries in passwd file");
            }
        }

        if (groupPart is not null)
        {
            if (TryParseId(groupPart, out int g))
            {
                gid = g;
            }
            else if (groupPart.Length == 0)
            {
                gid = 0;
            }
            else
            {
                if (rootfs is null) throw new FileOpException("invalid missing group mount");
                var group = UserResolver.ReadGroups(rootfs).FirstOrDefault(x => x.Name == groupPart);
                if (group is not null)
                {
                    gid = (int)group.Gid;
                }
                else if (requireKnown)
                {
                    throw new FileOpException($"unable to find group {groupPart}: no matching entries in group file");
                }
            }
        }
        return new FileOwner(uid, gid);
    }

    private static bool TryParseId(string s, out int id)
    {
        if (s == "root")
        {
            id = 0;
            return true;
        }
        return int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out id);
    }
}
