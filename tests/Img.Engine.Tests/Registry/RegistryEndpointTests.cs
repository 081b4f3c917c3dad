using Img.Engine.Registry;
using Xunit;

namespace Img.Engine.Tests.Registry;

public sealed class RegistryEndpointTests
{
    [Theory]
    [InlineData("127.0.0.1:5000", "http://127.0.0.1:5000/")]
    [InlineData("127.1.2.3", "http://127.1.2.3/")]
    [InlineData("localhost:5000", "http://localhost:5000/")]
    [InlineData("LOCALHOST", "http://localhost/")]
    [InlineData("[::1]:5000", "http://[::1]:5000/")]
    [InlineData("registry.example.com", "https://registry.example.com/")]
    [InlineData("10.0.0.5:5000", "https://10.0.0.5:5000/")]
    [InlineData("docker.io", "https://registry-1.docker.io/")]
    [InlineData("index.docker.io", "https://registry-1.docker.io/")]
    public void Plain_http_only_for_loopback(string registry, string expected)
    {
        Assert.Equal(expected, RegistryEndpoint.Resolve(registry).BaseUri.ToString());
    }

    [Fact]
    public void Docker_hub_aliases_share_one_name()
    {
        Assert.Equal("docker.io", RegistryEndpoint.Resolve("index.docker.io").Name);
        Assert.Equal("docker.io", RegistryEndpoint.Resolve("registry-1.docker.io").Name);
    }

    [Theory]
    [InlineData("10.0.0.5:5000", "10.0.0.5:5000", true)]
    [InlineData("10.0.0.5:5000", "10.0.0.5", true)]
    [InlineData("10.0.0.5:5000", "http://10.0.0.5:5000/", true)]
    [InlineData("10.0.0.5:5000", "10.0.0.0/24", true)]
    [InlineData("10.0.1.5:5000", "10.0.0.0/24", false)]
    [InlineData("reg.local:5000", "reg.local", true)]
    [InlineData("reg.local:5000", "other.local", false)]
    public void Insecure_registry_list_marks_the_endpoint_insecure(string registry, string insecure, bool expected)
    {
        var endpoint = RegistryEndpoint.Resolve(registry, [insecure]);
        // docker's meaning: TLS first (unverified), plain HTTP only when the server does not speak TLS.
        Assert.Equal(expected, endpoint.Insecure);
        Assert.False(endpoint.IsPlainHttp);
        Assert.Equal(expected, RegistryEndpoint.MayUsePlainHttp(registry, [insecure]));
    }

    [Fact]
    public void A_loopback_registry_with_a_certs_d_directory_is_https()
    {
        var root = Directory.CreateTempSubdirectory("img-certs-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "127.0.0.1:5000"));
            Assert.Equal("https://127.0.0.1:5000/", RegistryEndpoint.Resolve("127.0.0.1:5000", null, root).BaseUri.ToString());
            Assert.False(RegistryEndpoint.Resolve("127.0.0.1:5000", null, root).Insecure);
            Assert.Equal("http://127.0.0.1:5001/", RegistryEndpoint.Resolve("127.0.0.1:5001", null, root).BaseUri.ToString());
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("host/path")]
    [InlineData("https://host")]
    public void Invalid_hosts_are_refused(string registry)
    {
        Assert.Throws<ArgumentException>(() => RegistryEndpoint.Resolve(registry));
    }
}
