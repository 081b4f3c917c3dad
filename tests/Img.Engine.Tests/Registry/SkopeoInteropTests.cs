using System.Diagnostics;
using System.Text.Json;
using Img.Engine.Platforms;
using Img.Engine.Registry;
using Img.Engine.Tests.Fixtures;
using Xunit;

namespace Img.Engine.Tests.Registry;

/// <summary>What img pushes, skopeo reads, and the other way round. Needs Debian <c>skopeo</c>.</summary>
[Collection(RegistryCollection.Name)]
public sealed class SkopeoInteropTests(RegistryFixture registries) : IDisposable
{
    private const string Skopeo = "/usr/bin/skopeo";
    private readonly string _dir = Directory.CreateTempSubdirectory("img-skopeo-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<string> RunSkopeoAsync(string stdin, params string[] args)
    {
        if (!File.Exists(Skopeo))
            throw new InvalidOperationException($"{Skopeo} is missing. Install it with: {RegistryProcess.InstallHint}");
        var policy = Path.Combine(_dir, "policy.json");
        await File.WriteAllTextAsync(policy, """{"default":[{"type":"insecureAcceptAnything"}]}""");
        var start = new ProcessStartInfo(Skopeo)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--policy");
        start.ArgumentList.Add(policy);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["HOME"] = _dir; // no user auth files leak in
        start.Environment["REGISTRY_AUTH_FILE"] = Path.Combine(_dir, "auth.json");
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(process.ExitCode == 0, $"skopeo {string.Join(' ', args)} failed: {await stderr}");
        return await stdout;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Skopeo_inspects_what_img_pushed(bool oci)
    {
        using var client = new RegistryClient(registries.Anonymous.Host);
        var image = TestImage.Create(oci, "arm64", layers: 2);
        await image.PushAsync(client, "interop/pushed", "v1");
        var reference = $"docker://{registries.Anonymous.Host}/interop/pushed:v1";

        using var inspect = JsonDocument.Parse(await RunSkopeoAsync("", "inspect", "--tls-verify=false", reference));
        Assert.Equal(image.Digest, inspect.RootElement.GetProperty("Digest").GetString());
        Assert.Equal("arm64", inspect.RootElement.GetProperty("Architecture").GetString());
        Assert.Equal("linux", inspect.RootElement.GetProperty("Os").GetString());
        Assert.Equal(image.Layers.Select(l => l.Digest),
            inspect.RootElement.GetProperty("Layers").EnumerateArray().Select(l => l.GetString()));

        var raw = await RunSkopeoAsync("", "inspect", "--raw", "--tls-verify=false", reference);
        Assert.Equal(image.Manifest, System.Text.Encoding.UTF8.GetBytes(raw.TrimEnd('\n')));
    }

    [Fact]
    public async Task Skopeo_copies_an_img_index_into_an_htpasswd_registry_and_img_pulls_it_back()
    {
        using var client = new RegistryClient(registries.Anonymous.Host);
        var amd64 = TestImage.Create(true, "amd64");
        var arm64 = TestImage.Create(true, "arm64");
        await amd64.PushAsync(client, "interop/multi", null);
        await arm64.PushAsync(client, "interop/multi", null);
        var (index, mediaType) = TestImage.IndexOf(true, amd64, arm64);
        await client.PutManifestAsync("interop/multi", "v1", index, mediaType);

        await RunSkopeoAsync("", "copy", "--all", "--preserve-digests", "--src-tls-verify=false", "--dest-tls-verify=false",
            "--dest-creds", $"{RegistryFixture.User}:{RegistryFixture.Password}",
            $"docker://{registries.Anonymous.Host}/interop/multi:v1", $"docker://{registries.Basic.Host}/interop/copied:v1");

        using var basic = new RegistryClient(registries.Basic.Host, new RegistryClientOptions
        {
            Credentials = new StaticCredentials(new Img.Engine.Registry.Credentials.RegistryCredential(RegistryFixture.User, RegistryFixture.Password)),
        });
        var resolved = await basic.ResolvePlatformAsync("interop/copied", "v1", PlatformSpec.Parse("linux/arm64"));
        Assert.Equal(TestBlob.DigestOf(index), resolved.Root.Digest);
        Assert.Equal(arm64.Digest, resolved.Manifest.Digest);
        var layer = new MemoryStream();
        await basic.GetBlobAsync("interop/copied", arm64.Layers[0].Descriptor, layer);
        Assert.Equal(arm64.Layers[0].Content, layer.ToArray());
    }
}
