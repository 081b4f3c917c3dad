using System.Security.Cryptography.X509Certificates;
using Img.Messages.Security;

namespace Img.Actors.Tests.Security;

public sealed class ClusterAuthoritySpecs : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "img-authority-" + Guid.NewGuid().ToString("N"));

    private string Dir(string name = "a") => Path.Combine(_root, name, ClusterDirectory.Name);

    [Fact]
    public void TheFirstStartCreatesTheAuthorityAndLaterStartsLoadTheSameOne()
    {
        string token, ca;
        using (var first = ClusterAuthority.LoadOrCreate(Dir(), out var created))
        {
            Assert.True(created);
            (token, ca) = (first.Token.Reveal(), first.CertificatePem);
        }

        using var again = ClusterAuthority.LoadOrCreate(Dir(), out var createdAgain);
        using var loaded = ClusterAuthority.Load(Dir());

        Assert.False(createdAgain);
        Assert.Equal(token, again.Token.Reveal());
        Assert.Equal(ca, again.CertificatePem);
        Assert.Equal(token, loaded.Token.Reveal());
    }

    [Fact]
    public void TheCaIsAnEcdsaP256SelfSignedCaValidForYears()
    {
        using var authority = ClusterAuthority.LoadOrCreate(Dir(), out _);
        var ca = authority.Certificate;

        Assert.Equal(ca.SubjectName.RawData, ca.IssuerName.RawData);
        Assert.True(Assert.IsType<X509BasicConstraintsExtension>(ca.Extensions["2.5.29.19"]).CertificateAuthority);
        using var key = ca.GetECDsaPublicKey();
        Assert.Equal(256, key!.KeySize);
        Assert.False(ca.HasPrivateKey);
        Assert.True(ca.NotAfter > DateTime.Now.AddYears(9));
    }

    [Fact]
    public void PrivateMaterialIsWrittenOwnerOnly()
    {
        using var authority = ClusterAuthority.LoadOrCreate(Dir(), out _);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(authority.FilePath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Dir()));
        Assert.Equal([ClusterDirectory.AuthorityFileName], Directory.GetFiles(Dir()).Select(Path.GetFileName));
    }

    [Fact]
    public void TheFileHoldsTheCaTheKeyAndTheSecretAsPem()
    {
        using var authority = ClusterAuthority.LoadOrCreate(Dir(), out _);
        var text = File.ReadAllText(authority.FilePath);

        Assert.Equal(["CERTIFICATE", "PRIVATE KEY", "IMG CLUSTER SECRET"],
            text.Split('\n').Where(l => l.StartsWith("-----BEGIN ")).Select(l => l[11..^5]));
    }

    [Fact]
    public void AnAuthorityFileOtherUsersCanReadIsRefused()
    {
        string path;
        using (var authority = ClusterAuthority.LoadOrCreate(Dir(), out _))
            path = authority.FilePath;
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        var e = Assert.Throws<ClusterSecurityException>(() => ClusterAuthority.Load(Dir()));

        Assert.Equal($"cluster authority file {path} is accessible to other users (mode 0604); it holds cluster credentials: run chmod 600 {path}", e.Message);
    }

    [Fact]
    public void ADamagedAuthorityFileIsRefusedWithoutShowingItsContents()
    {
        string path;
        using (var authority = ClusterAuthority.LoadOrCreate(Dir(), out _))
            path = authority.FilePath;
        var text = File.ReadAllText(path);
        File.WriteAllText(path, text[..text.IndexOf("-----BEGIN IMG CLUSTER SECRET", StringComparison.Ordinal)]);

        var e = Assert.Throws<ClusterSecurityException>(() => ClusterAuthority.Load(Dir()));

        Assert.Equal($"cluster authority file {path} is damaged: expected the blocks CERTIFICATE, PRIVATE KEY and IMG CLUSTER SECRET", e.Message);
    }

    [Fact]
    public async Task TwoProcessesCreatingAtOnceEndWithOneAuthority()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            var authority = ClusterAuthority.LoadOrCreate(Dir(), out var created);
            return (a: authority, created);
        })));
        try
        {
            Assert.Single(results, r => r.created);
            Assert.Single(results.Select(r => r.a.Token.Reveal()).Distinct());
            Assert.Single(Directory.GetFiles(Dir()));
        }
        finally
        {
            foreach (var (a, _) in results)
                a.Dispose();
        }
    }

    [Fact]
    public void AJoiningCoordinatorImportsTheSameAuthority()
    {
        using var first = ClusterAuthority.LoadOrCreate(Dir("first"), out _);
        var token = ClusterToken.Parse(first.Token.Reveal());

        using var second = ClusterAuthority.Import(Dir("second"), first.ExportForCoordinator(), token);
        using var reloaded = ClusterAuthority.Load(Dir("second"));
        using var member = MemberCredentials.IssueLocally(second, Dir("member"), "node-1", ["127.0.0.1"]);

        Assert.Equal(first.Token.Reveal(), second.Token.Reveal());
        Assert.Equal(first.Token.Reveal(), reloaded.Token.Reveal());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(second.FilePath));
        Assert.Null(first.Trust.Check(member.Certificate, PeerUsage.Member));
    }

    [Fact]
    public void ImportRefusesAnAuthorityTheTokenDoesNotName()
    {
        using var first = ClusterAuthority.LoadOrCreate(Dir("first"), out _);
        using var other = ClusterAuthority.LoadOrCreate(Dir("other"), out _);

        var e = Assert.Throws<ClusterSecurityException>(() => ClusterAuthority.Import(Dir("second"), first.ExportForCoordinator(), other.Token));

        Assert.Equal("the cluster authority received does not match the cluster token", e.Message);
        Assert.False(ClusterAuthority.Exists(Dir("second")));
    }

    [Fact]
    public void ImportRefusesToReplaceAnotherClustersAuthority()
    {
        using var first = ClusterAuthority.LoadOrCreate(Dir("first"), out _);
        using var existing = ClusterAuthority.LoadOrCreate(Dir("second"), out _);

        var e = Assert.Throws<ClusterSecurityException>(() => ClusterAuthority.Import(Dir("second"), first.ExportForCoordinator(), first.Token));

        Assert.StartsWith($"{existing.FilePath} holds the authority of another cluster", e.Message);
        using var kept = ClusterAuthority.Load(Dir("second"));
        Assert.Equal(existing.Token.Reveal(), kept.Token.Reveal());
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
            Directory.Delete(_root, recursive: true);
    }
}
