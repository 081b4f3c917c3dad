using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Img.Messages.Security;

namespace Img.Actors.Tests.Security;

public sealed class MemberCredentialsSpecs : IDisposable
{
    private readonly TestCluster _cluster = new();

    [Fact]
    public void TheIssuedCertificateNamesTheMemberAndItsHostsAndServesBothWays()
    {
        using var request = MemberCredentials.CreateRequest(_cluster.MemberDirectory("n1"), "node-1", ["node1.example", "10.0.0.7", "[::1]", "NODE1.example."]);
        using var issued = X509Certificate2.CreateFromPem(_cluster.Authority.Issue(request.Pem));

        Assert.Equal("CN=node-1", issued.Subject);
        Assert.Equal(_cluster.Authority.Certificate.Subject, issued.Issuer);
        var names = new X509SubjectAlternativeNameExtension(issued.Extensions["2.5.29.17"]!.RawData);
        Assert.Equal(["node1.example"], names.EnumerateDnsNames());
        Assert.Equal([IPAddress.Parse("10.0.0.7"), IPAddress.IPv6Loopback], names.EnumerateIPAddresses());
        var usages = Assert.IsType<X509EnhancedKeyUsageExtension>(issued.Extensions["2.5.29.37"]).EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value);
        Assert.Equal(["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"], usages);
        Assert.False(Assert.IsType<X509BasicConstraintsExtension>(issued.Extensions["2.5.29.19"]).CertificateAuthority);
        Assert.True(issued.NotAfter <= DateTime.Now.AddDays(366));
    }

    [Fact]
    public void TheIssuedCertificateChainsToTheClusterCaAndToNoOtherCa()
    {
        using var member = _cluster.Member("node-1");
        using var other = new TestCluster();

        Assert.True(Chains(member.Certificate, _cluster.Authority.Certificate));
        Assert.False(Chains(member.Certificate, other.Authority.Certificate));
        Assert.Null(_cluster.Authority.Trust.Check(member.Certificate, PeerUsage.Member, "127.0.0.1"));
        Assert.Equal("its certificate is not issued by this cluster's CA", other.Authority.Trust.Check(member.Certificate, PeerUsage.Member));
    }

    [Fact]
    public void TheMemberKeyNeverLeavesTheMember()
    {
        using var request = MemberCredentials.CreateRequest(_cluster.MemberDirectory("n1"), "node-1", ["127.0.0.1"]);

        Assert.DoesNotContain("PRIVATE KEY", request.Pem);
        Assert.StartsWith("-----BEGIN CERTIFICATE REQUEST-----", request.Pem);
        Assert.False(Directory.Exists(_cluster.MemberDirectory("n1")));
    }

    [Fact]
    public void CompletedCredentialsAreStoredOwnerOnlyAndLoadAgain()
    {
        var dir = _cluster.MemberDirectory("n1");
        using var request = MemberCredentials.CreateRequest(dir, "node-1", ["127.0.0.1", "localhost"]);
        using var completed = request.Complete(_cluster.Authority.Issue(request.Pem), _cluster.Authority.CertificatePem, ClusterToken.Parse(_cluster.Token.Reveal()));

        using var loaded = MemberCredentials.Load(dir);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(loaded.FilePath));
        Assert.Equal(completed.Certificate.Thumbprint, loaded.Certificate.Thumbprint);
        Assert.True(loaded.Certificate.HasPrivateKey);
        Assert.Equal("node-1", loaded.Name);
        Assert.Equal(["localhost", "127.0.0.1"], loaded.Hosts);
        Assert.True(loaded.BelongsTo(_cluster.Token));
        Assert.Equal(_cluster.Authority.Certificate.Thumbprint, loaded.Authority.Thumbprint);
    }

    [Fact]
    public void CompleteRefusesACaTheTokenDoesNotPin()
    {
        using var other = new TestCluster();
        using var request = MemberCredentials.CreateRequest(_cluster.MemberDirectory("n1"), "node-1", ["127.0.0.1"]);

        var e = Assert.Throws<ClusterSecurityException>(() =>
            request.Complete(other.Authority.Issue(request.Pem), other.Authority.CertificatePem, _cluster.Token));

        Assert.Equal($"the CA certificate received (sha256 {other.Token.AuthorityFingerprint}) is not the one the cluster token pins ({_cluster.Token.AuthorityFingerprint})", e.Message);
        Assert.False(MemberCredentials.Exists(_cluster.MemberDirectory("n1")));
    }

    [Fact]
    public void CompleteRefusesACertificateFromAnotherCa()
    {
        using var other = new TestCluster();
        using var request = MemberCredentials.CreateRequest(_cluster.MemberDirectory("n1"), "node-1", ["127.0.0.1"]);

        var e = Assert.Throws<ClusterSecurityException>(() =>
            request.Complete(other.Authority.Issue(request.Pem), _cluster.Authority.CertificatePem, _cluster.Token));

        Assert.Equal("the issued certificate is unusable: it is not issued by this cluster's CA", e.Message);
    }

    [Fact]
    public void CompleteRefusesACertificateForAnotherKey()
    {
        using var mine = MemberCredentials.CreateRequest(_cluster.MemberDirectory("n1"), "node-1", ["127.0.0.1"]);
        using var theirs = MemberCredentials.CreateRequest(_cluster.MemberDirectory("n2"), "node-1", ["127.0.0.1"]);

        var e = Assert.Throws<ClusterSecurityException>(() =>
            mine.Complete(_cluster.Authority.Issue(theirs.Pem), _cluster.Authority.CertificatePem, _cluster.Token));

        Assert.Equal("the issued certificate is not for this member's key", e.Message);
    }

    [Fact]
    public void IssueRefusesARequestWhoseSignatureDoesNotMatch()
    {
        using var request = MemberCredentials.CreateRequest(_cluster.MemberDirectory("n1"), "node-1", ["127.0.0.1"]);
        var der = PemEncoding.Find(request.Pem) is var f ? Convert.FromBase64String(request.Pem[f.Base64Data]) : [];
        // the common name "node-1" sits in the signed part: change one letter of it
        var at = der.AsSpan().IndexOf("node-1"u8);
        der[at] = (byte)'m';
        var tampered = PemEncoding.WriteString("CERTIFICATE REQUEST", der);

        var e = Assert.Throws<ClusterSecurityException>(() => _cluster.Authority.Issue(tampered));

        Assert.StartsWith("invalid certificate request: ", e.Message);
    }

    [Fact]
    public void IssueIgnoresWhatElseTheRequestAsksFor()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=sneaky, O=evil", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("sneaky.example");
        request.CertificateExtensions.Add(names.Build());

        using var issued = X509Certificate2.CreateFromPem(_cluster.Authority.Issue(request.CreateSigningRequestPem()));

        Assert.Equal("CN=sneaky", issued.Subject);
        Assert.False(Assert.IsType<X509BasicConstraintsExtension>(issued.Extensions["2.5.29.19"]).CertificateAuthority);
        Assert.Equal(X509KeyUsageFlags.DigitalSignature, Assert.IsType<X509KeyUsageExtension>(issued.Extensions["2.5.29.15"]).KeyUsages);
    }

    [Fact]
    public void IssueRefusesWeakKeysAndRequestsWithoutHosts()
    {
        using var weak = RSA.Create(1024);
        var weakRequest = new CertificateRequest("CN=weak", weak, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("weak.example");
        weakRequest.CertificateExtensions.Add(names.Build());
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var hostless = new CertificateRequest("CN=hostless", key, HashAlgorithmName.SHA256);

        Assert.Equal("invalid certificate request: an RSA key of 1024 bits is too weak (2048 at least)",
            Assert.Throws<ClusterSecurityException>(() => _cluster.Authority.Issue(weakRequest.CreateSigningRequestPem())).Message);
        Assert.Equal("invalid certificate request: it names no host",
            Assert.Throws<ClusterSecurityException>(() => _cluster.Authority.Issue(hostless.CreateSigningRequestPem())).Message);
    }

    [Theory]
    [InlineData("node 1")]
    [InlineData("")]
    [InlineData("a/b")]
    public void BadMemberNamesAreRefused(string name)
    {
        var e = Assert.Throws<ClusterSecurityException>(() => MemberCredentials.CreateRequest(_cluster.MemberDirectory("n1"), name, ["127.0.0.1"]));

        Assert.Equal($"member name '{name}' must be 1 to 64 letters, digits, '.', '_' or '-'", e.Message);
    }

    [Theory]
    [InlineData("*.example")]
    [InlineData("bad host")]
    [InlineData("fe80::1%2")]
    public void BadHostsAreRefused(string host)
    {
        Assert.Throws<ClusterSecurityException>(() => MemberCredentials.CreateRequest(_cluster.MemberDirectory("n1"), "node-1", [host]));
    }

    [Fact]
    public void RenewalIsDueAMonthBeforeExpiryAndWhenHostsChange()
    {
        using var member = _cluster.Member("node-1", "127.0.0.1", "node1.example");

        Assert.False(member.NeedsRenewal(DateTimeOffset.UtcNow));
        Assert.True(member.NeedsRenewal(member.NotAfter - TimeSpan.FromDays(29)));
        Assert.True(member.Covers(["NODE1.example", "127.0.0.1"]));
        Assert.False(member.Covers(["10.1.2.3"]));
    }

    [Fact]
    public void CredentialsFileOtherUsersCanReadIsRefused()
    {
        using var member = _cluster.Member("node-1");
        File.SetUnixFileMode(member.FilePath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);

        var e = Assert.Throws<ClusterSecurityException>(() => MemberCredentials.Load(_cluster.MemberDirectory("node-1")));

        Assert.Equal($"member credentials file {member.FilePath} is accessible to other users (mode 0640); it holds cluster credentials: run chmod 600 {member.FilePath}", e.Message);
    }

    [Fact]
    public void CollectedHostsIncludeTheAdvertisedOnesAndLoopback()
    {
        var hosts = MemberHosts.Collect(["coordinator.example", "10.9.8.7"]);

        Assert.Equal(["coordinator.example", "10.9.8.7", "localhost", "127.0.0.1", "::1"], hosts.Take(5));
        Assert.Equal(hosts.Count, hosts.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    public void Dispose() => _cluster.Dispose();

    private static bool Chains(X509Certificate2 leaf, X509Certificate2 ca)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(leaf);
    }
}
