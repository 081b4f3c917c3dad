using Img.Engine.Frontend.Dockerfile.Conversion;
using Img.Engine.Graph;
using Img.Engine.Oci;

namespace Img.Engine.Tests.Frontend.Conversion;

internal static class ConvertHelper
{
    public static readonly Platform Amd64 = new() { Os = "linux", Architecture = "amd64" };

    public static ConversionResult Convert(string dockerfile, ConvertOptions? options = null, FakeImageResolver? resolver = null)
    {
        options ??= new ConvertOptions();
        options = options with
        {
            BuildPlatform = options.BuildPlatform ?? Amd64,
            ImageResolver = options.ImageResolver ?? resolver ?? DefaultResolver(),
        };
        return DockerfileConverter.ConvertAsync(dockerfile, options, CancellationToken.None).GetAwaiter().GetResult();
    }

    public static FakeImageResolver DefaultResolver() => new FakeImageResolver()
        .With("docker.io/library/alpine:latest", new ContainerConfig { Env = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], Cmd = ["/bin/sh"] })
        .With("docker.io/library/busybox:latest", new ContainerConfig { Env = ["PATH=/bin"], Cmd = ["sh"] });

    public static string[] History(ConversionResult r) =>
        (r.Image.History ?? []).Select(h => h.CreatedBy ?? "").ToArray();

    public static IEnumerable<T> Ops<T>(ConversionResult r) where T : BuildOp =>
        r.Graph.Vertices.Select(v => v.Op).OfType<T>();

    public static BuildVertex Described(ConversionResult r, string contains) =>
        r.Graph.Vertices.Single(v => v.Metadata.Description.Contains(contains, StringComparison.Ordinal));
}
