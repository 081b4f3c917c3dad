using Img.Engine.Frontend.Dockerfile.Conversion;
using Img.Engine.Oci;

namespace Img.Engine.Tests.Frontend.Conversion;

/// <summary>Serves base image configs from a dictionary keyed by normalised reference.</summary>
internal sealed class FakeImageResolver : IImageConfigResolver
{
    public Dictionary<string, ImageConfig> Images { get; } = new();
    /// <summary>Digests to pin references to; a reference without one is not pinned.</summary>
    public Dictionary<string, string> Digests { get; } = new();
    public List<(string Reference, Platform Platform)> Calls { get; } = new();

    public FakeImageResolver With(string reference, ContainerConfig config, string arch = "amd64")
    {
        Images[reference] = new ImageConfig
        {
            Architecture = arch,
            Os = "linux",
            Config = config,
            RootFs = new RootFs { DiffIds = ["sha256:" + new string('a', 64)] },
            History = [new HistoryEntry { CreatedBy = "base layer" }],
        };
        return this;
    }

    public FakeImageResolver WithDigest(string reference, string digest)
    {
        Digests[reference] = digest;
        return this;
    }

    public ValueTask<ResolvedImageConfig?> ResolveAsync(string reference, Platform platform, CancellationToken cancellationToken)
    {
        Calls.Add((reference, platform));
        var config = Images.GetValueOrDefault(reference);
        return ValueTask.FromResult(config is null ? null : new ResolvedImageConfig(config, Digests.GetValueOrDefault(reference)));
    }
}
