using Img.Cli.Progress;
using Img.Engine.Oci;
using Img.Engine.References;
using Img.Engine.Registry.Progress;

namespace Img.Cli.Tests.Progress;

/// <summary>Pull and push events printed as docker's CLI prints them (expected lines from docker 20.10).</summary>
public sealed class TransferProgressWriterTests
{
    private const string LayerDigest = "sha256:a6fd6478cd2621d8fbe84f82e3542dac84375a846ff1ad56e991a11e5e14e6ee";
    private const string ManifestDigest = "sha256:f13d1af02986fd0e847def944048bd3228d1a787687be94ae9f6cea923156381";
    private static readonly ImageReference Reference = ImageReference.Parse("127.0.0.1:5055/team/example:1.0");
    private static readonly Descriptor Layer = new() { MediaType = MediaTypes.DockerLayerGzip, Digest = LayerDigest, Size = 1062000 };

    private static string Print(params TransferEvent[] events)
    {
        var output = new StringWriter { NewLine = "\n" };
        var writer = new TransferProgressWriter(output);
        foreach (var e in events)
            writer.Report(e);
        return output.ToString();
    }

    [Fact]
    public void A_pull_prints_dockers_lines_and_nothing_for_the_config()
    {
        Assert.Equal(
            "1.0: Pulling from team/example\na6fd6478cd26: Already exists\na6fd6478cd26: Pull complete\n" +
            $"Digest: {ManifestDigest}\nStatus: Downloaded newer image for 127.0.0.1:5055/team/example:1.0\n" +
            $"Digest: {ManifestDigest}\nStatus: Image is up to date for 127.0.0.1:5055/team/example:1.0\n",
            Print(
                new PullStarted(Reference),
                new BlobTransferred(Reference, Layer, BlobTransferState.FoundLocally, IsConfig: false),
                new BlobTransferred(Reference, Layer, BlobTransferState.Downloaded, IsConfig: false),
                new BlobTransferred(Reference, Layer with { MediaType = MediaTypes.DockerConfig }, BlobTransferState.Downloaded, IsConfig: true),
                new PullCompleted(Reference, ManifestDigest, Updated: true),
                new PullCompleted(Reference, ManifestDigest, Updated: false)));
    }

    [Fact]
    public void A_push_prints_dockers_lines_ending_with_the_digest_and_size()
    {
        Assert.Equal(
            "The push refers to repository [127.0.0.1:5055/team/example]\na6fd6478cd26: Pushed\n" +
            "a6fd6478cd26: Mounted from team/base\na6fd6478cd26: Layer already exists\n" +
            $"1.0: digest: {ManifestDigest} size: 1109\n",
            Print(
                new PushStarted(Reference),
                new BlobTransferred(Reference, Layer, BlobTransferState.Uploaded, IsConfig: false),
                new BlobTransferred(Reference, Layer, BlobTransferState.Mounted, IsConfig: false, MountedFrom: "team/base"),
                new BlobTransferred(Reference, Layer, BlobTransferState.FoundInRegistry, IsConfig: false),
                new BlobTransferred(Reference, Layer, BlobTransferState.Uploaded, IsConfig: true),
                new PushCompleted(Reference, ManifestDigest, 1109)));
    }

    [Fact]
    public void A_pull_by_digest_names_the_digest()
    {
        var byDigest = ImageReference.Parse($"127.0.0.1:5055/team/example@{ManifestDigest}");
        Assert.Equal($"{ManifestDigest}: Pulling from team/example\n", Print(new PullStarted(byDigest)));
    }
}
