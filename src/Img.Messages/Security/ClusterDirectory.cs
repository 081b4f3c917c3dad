using Img.Engine.State;

namespace Img.Messages.Security;

/// <summary>
/// <c>&lt;state&gt;/cluster/</c> (mode 0700), where a member keeps its cluster credentials:
/// <code>
/// authority.pem   coordinators: CA certificate, CA private key, cluster secret (0600)
/// member.pem      every member: its private key, its certificate, the CA certificate (0600)
/// </code>
/// Each file is written whole by one rename, so a crash leaves the old file or the new one.
/// </summary>
public static class ClusterDirectory
{
    public const string Name = "cluster";
    public const string AuthorityFileName = "authority.pem";
    public const string MemberFileName = "member.pem";

    /// <summary>The cluster directory of <paramref name="state"/>.</summary>
    public static string For(StateDirectory state) => Path.Combine(state.Root, Name);
}
