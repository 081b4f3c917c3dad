using System.Text.RegularExpressions;
using Img.Messages.Security;

namespace Img.Actors.Tests.Security;

public sealed class ClusterTokenSpecs : IDisposable
{
    private readonly TestCluster _cluster = new();

    [Fact]
    public void TheTextFormParsesBackToTheSameToken()
    {
        var parsed = ClusterToken.Parse(_cluster.Token.Reveal());

        Assert.Equal(_cluster.Token.AuthorityFingerprint, parsed.AuthorityFingerprint);
        Assert.True(_cluster.Token.Matches(parsed));
        Assert.Equal(_cluster.Token.Reveal(), parsed.Reveal());
    }

    [Fact]
    public void TheTextFormIsSafeInEnvironmentVariablesFilesAndShellWords()
    {
        Assert.Matches(new Regex("^img1\\.[0-9a-f]{64}\\.[A-Za-z0-9_-]{43}$"), _cluster.Token.Reveal());
    }

    [Fact]
    public void TheTokenPinsTheShaOfTheCaCertificate()
    {
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(_cluster.Authority.Certificate.RawData));

        Assert.Equal(expected, _cluster.Token.AuthorityFingerprint);
        Assert.True(_cluster.Token.Pins(_cluster.Authority.Certificate));
    }

    [Fact]
    public void ToStringLeavesTheSecretOut()
    {
        var secret = _cluster.Token.Reveal().Split('.')[2];

        Assert.DoesNotContain(secret, _cluster.Token.ToString());
        Assert.Equal($"img1.{_cluster.Token.AuthorityFingerprint}.<secret>", _cluster.Token.ToString());
    }

    [Fact]
    public void SurroundingWhitespaceIsIgnored()
    {
        var parsed = ClusterToken.Parse("  " + _cluster.Token.Reveal() + "\r\n");

        Assert.True(_cluster.Token.Matches(parsed));
    }

    [Theory]
    [InlineData("", "invalid cluster token: the token is empty")]
    [InlineData("   ", "invalid cluster token: the token is empty")]
    [InlineData("hunter2", "invalid cluster token: expected img1.<ca-sha256>.<secret>")]
    [InlineData("K10abc::server:def", "invalid cluster token: expected img1.<ca-sha256>.<secret>")]
    [InlineData("img2.{fp}.{secret}", "invalid cluster token: unsupported token version (this img reads img1 tokens)")]
    [InlineData("img1.{fp}", "invalid cluster token: expected three fields separated by dots: img1.<ca-sha256>.<secret>")]
    [InlineData("img1.{fp}.{secret}.x", "invalid cluster token: expected three fields separated by dots: img1.<ca-sha256>.<secret>")]
    [InlineData("img1.abc.{secret}", "invalid cluster token: the CA fingerprint must be 64 hex digits")]
    [InlineData("img1.{fp-not-hex}.{secret}", "invalid cluster token: the CA fingerprint must be 64 hex digits")]
    [InlineData("img1.{fp}.c2hvcnQ", "invalid cluster token: the secret must be 32 bytes in unpadded base64url (43 characters)")]
    [InlineData("img1.{fp}.{secret-padded}", "invalid cluster token: the secret must be 32 bytes in unpadded base64url (43 characters)")]
    [InlineData("img1.{fp}.{secret-bad-char}", "invalid cluster token: the secret must be 32 bytes in unpadded base64url (43 characters)")]
    public void ParseSaysWhatIsWrongWithoutRepeatingTheToken(string template, string message)
    {
        var text = template
            .Replace("{fp-not-hex}", new string('g', 64))
            .Replace("{fp}", new string('a', 64))
            .Replace("{secret-padded}", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")
            .Replace("{secret-bad-char}", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+")
            .Replace("{secret}", "Zm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyMTI");

        var e = Assert.Throws<ClusterSecurityException>(() => ClusterToken.Parse(text));

        Assert.Equal(message, e.Message);
        Assert.False(ClusterToken.TryParse(text, out _, out var error));
        Assert.Equal(message, error);
    }

    [Fact]
    public void MatchesNeedsTheSameSecretAndTheSameCa()
    {
        using var other = new TestCluster();
        var parts = _cluster.Token.Reveal().Split('.');
        var otherSecret = ClusterToken.Parse($"img1.{parts[1]}.{other.Token.Reveal().Split('.')[2]}");
        var otherCa = ClusterToken.Parse($"img1.{other.Token.AuthorityFingerprint}.{parts[2]}");

        Assert.True(_cluster.Token.Matches(ClusterToken.Parse(_cluster.Token.Reveal())));
        Assert.False(_cluster.Token.Matches(otherSecret));
        Assert.False(_cluster.Token.Matches(otherCa));
        Assert.False(_cluster.Authority.Accepts(other.Token));
        Assert.True(_cluster.Authority.Accepts(ClusterToken.Parse(_cluster.Token.Reveal())));
    }

    [Fact]
    public void ATokenFileIsTrimmed()
    {
        var file = WriteTokenFile("\n  " + _cluster.Token.Reveal() + "  \n\n", UnixFileMode.UserRead | UnixFileMode.UserWrite);

        Assert.True(_cluster.Token.Matches(ClusterToken.ReadFile(file)));
    }

    [Theory]
    [InlineData(UnixFileMode.GroupRead, "0640")]
    [InlineData(UnixFileMode.OtherRead, "0604")]
    [InlineData(UnixFileMode.GroupWrite, "0620")]
    public void ATokenFileOtherUsersCanReadOrWriteIsRefused(UnixFileMode extra, string mode)
    {
        var file = WriteTokenFile(_cluster.Token.Reveal(), UnixFileMode.UserRead | UnixFileMode.UserWrite | extra);

        var e = Assert.Throws<ClusterSecurityException>(() => ClusterToken.ReadFile(file));

        Assert.Equal($"cluster token file {file} is accessible to other users (mode {mode}); it holds cluster credentials: run chmod 600 {file}", e.Message);
    }

    [Fact]
    public void AMissingOrBadTokenFileIsNamedInTheError()
    {
        var missing = Path.Combine(_cluster.Root, "nope");
        var bad = WriteTokenFile("img1.zz", UnixFileMode.UserRead);

        Assert.Equal($"cluster token file {missing} does not exist", Assert.Throws<ClusterSecurityException>(() => ClusterToken.ReadFile(missing)).Message);
        Assert.Equal($"invalid cluster token: expected three fields separated by dots: img1.<ca-sha256>.<secret> (read from {bad})",
            Assert.Throws<ClusterSecurityException>(() => ClusterToken.ReadFile(bad)).Message);
    }

    [Fact]
    public void ResolveTakesTheFileFirstThenTheEnvironment()
    {
        using var other = new TestCluster();
        var file = WriteTokenFile(other.Token.Reveal(), UnixFileMode.UserRead);
        var environment = new Dictionary<string, string?> { [ClusterToken.EnvironmentVariable] = _cluster.Token.Reveal() };

        Assert.True(other.Token.Matches(ClusterToken.Resolve(file, environment.GetValueOrDefault)!));
        Assert.True(_cluster.Token.Matches(ClusterToken.Resolve(null, environment.GetValueOrDefault)!));
        Assert.Null(ClusterToken.Resolve(null, _ => null));
        Assert.Equal("invalid cluster token: expected img1.<ca-sha256>.<secret> (read from IMG_CLUSTER_TOKEN)",
            Assert.Throws<ClusterSecurityException>(() => ClusterToken.Resolve(null, _ => "nonsense")).Message);
    }

    public void Dispose() => _cluster.Dispose();

    private string WriteTokenFile(string text, UnixFileMode mode)
    {
        Directory.CreateDirectory(_cluster.Root);
        var path = Path.Combine(_cluster.Root, "token-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(path, text);
        File.SetUnixFileMode(path, mode);
        return path;
    }
}
