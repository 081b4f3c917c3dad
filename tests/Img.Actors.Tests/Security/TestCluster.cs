using Img.Messages.Security;

namespace Img.Actors.Tests.Security;

/// <summary>
/// A cluster authority in a temporary directory, and member credentials issued by it (each in
/// its own directory, as on separate machines). Disposing deletes everything.
/// </summary>
public sealed class TestCluster : IDisposable
{
    private readonly List<IDisposable> _owned = [];

    public TestCluster()
    {
        Root = Path.Combine(Path.GetTempPath(), "img-security-" + Guid.NewGuid().ToString("N"));
        Authority = ClusterAuthority.LoadOrCreate(Path.Combine(Root, "coordinator", ClusterDirectory.Name), out _);
    }

    public string Root { get; }

    public ClusterAuthority Authority { get; }

    public ClusterToken Token => Authority.Token;

    /// <summary>Credentials for a member called <paramref name="name"/>, naming 127.0.0.1 and localhost unless told otherwise.</summary>
    public MemberCredentials Member(string name, params string[] hosts)
    {
        var credentials = MemberCredentials.IssueLocally(Authority, MemberDirectory(name), name, hosts.Length == 0 ? ["127.0.0.1", "localhost"] : hosts);
        _owned.Add(credentials);
        return credentials;
    }

    /// <summary>Where <see cref="Member"/> keeps <paramref name="name"/>'s credentials.</summary>
    public string MemberDirectory(string name) => Path.Combine(Root, name, ClusterDirectory.Name);

    public void Dispose()
    {
        foreach (var owned in _owned)
            owned.Dispose();
        Authority.Dispose();
        if (Directory.Exists(Root))
            Directory.Delete(Root, recursive: true);
    }
}
