using System.Diagnostics;
using Img.Cli.Commands.Images;
using Img.Cli.Hosting;
using Img.Cli.Progress;
using Img.Engine.Diff;
using Img.Engine.Diff.Walking;
using Img.Engine.Exporters;
using Img.Engine.Images;
using Img.Engine.Content;
using Img.Engine.Oci;
using Img.Engine.Platforms;
using Img.Engine.References;
using Img.Engine.Registry;

namespace Img.Cli.Commands.Build;

/// <summary>
/// Delivers a built image where <c>-t</c>, <c>-o</c> and <c>--push</c> say: named in the image
/// store (the default), written as a directory or tar of its filesystem, saved as an OCI or
/// docker archive, or pushed.
/// </summary>
public sealed class BuildOutputs(CommandContext context, StateScope scope, IProgressWriter display, RegistryClients registries)
{
    /// <summary>Pushes from where the image is (a cluster node) instead of from the local store.</summary>
    public delegate Task RemotePush(IReadOnlyList<ImageReference> tags, IProgressStep exporter, CancellationToken ct);

    /// <param name="exporter">The export vertex, still open: naming and pushing report under it, as BuildKit's image exporter does.</param>
    /// <param name="remotePush">Set when the image lives elsewhere: <c>--push</c> goes through it, and the image is named locally only when an image output asks for it.</param>
    public async Task DeliverAsync(BuildRequest request, Descriptor manifest, IProgressStep exporter, CancellationToken ct, RemotePush? remotePush = null)
    {
        var outputs = request.Outputs.ToList();
        if (outputs.Count == 0 || request.Push)
            outputs.Add(new OutputSpec(request.Push ? OutputType.Registry : OutputType.Image, null, new Dictionary<string, string>()));
        var named = remotePush is null ? outputs.Any(o => o.Type is OutputType.Image or OutputType.Registry) : outputs.Any(o => o.Type == OutputType.Image);
        if (MediaTypes.IsIndex(manifest.MediaType))
        {
            await DeliverIndexAsync(request, outputs, named, manifest, exporter, ct, remotePush);
            return;
        }

        var image = new Image { Name = request.Tags.FirstOrDefault()?.ToString() ?? "<unnamed>", Target = manifest };
        var resolved = await ImageResolver.ResolveAsync(scope.Content, image, null, ct);
        try
        {
            if (named)
                await NameAsync(request, manifest, resolved, exporter, ct);
            if (outputs.Any(o => o.Type == OutputType.Registry))
            {
                if (remotePush is null)
                    await PushAsync(request.Tags, resolved, exporter, ct);
                else
                    await remotePush(request.Tags, exporter, ct);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            exporter.Fail(e.Message);
            throw;
        }
        exporter.Done();

        foreach (var output in outputs)
        {
            switch (output.Type)
            {
                case OutputType.Local:
                    await display.StepAsync("exporting to client directory", step => Timed(step, "copying files", () => UnpackAsync(resolved, output.Destination!, ct)));
                    break;
                case OutputType.Tar:
                    await display.StepAsync("exporting to client tarball", step => Timed(step, "sending tarball", () => WriteRootfsTarAsync(resolved, output.Destination!, ct)));
                    break;
                case OutputType.Oci or OutputType.Docker:
                    await display.StepAsync($"exporting to {(output.Type == OutputType.Oci ? "oci" : "docker")} image format", step =>
                    {
                        step.Status($"exporting manifest {resolved.ManifestDigest}");
                        step.Status($"exporting config {resolved.Id}");
                        return Timed(step, "sending tarball", () => WriteArchiveAsync(resolved, request.Tags, output, ct));
                    });
                    break;
            }
        }
    }

    /// <summary>
    /// A multi-platform build's index: BuildKit's exporter reports each platform's manifest and
    /// config, then the manifest list, then names and pushes it; directories and tars get one
    /// subdirectory per platform (<c>linux_amd64/</c>), an OCI archive the whole index.
    /// </summary>
    private async Task DeliverIndexAsync(BuildRequest request, IReadOnlyList<OutputSpec> outputs, bool named, Descriptor index, IProgressStep exporter, CancellationToken ct,
        RemotePush? remotePush)
    {
        var document = await scope.Content.ReadJsonAsync<ImageIndex>(index, ct);
        var platforms = new List<(Platform Platform, ResolvedImage Image)>();
        foreach (var child in document.Manifests)
        {
            var platform = child.Platform ?? throw new InvalidDataException($"index {index.Digest} has an entry without a platform");
            var image = await ImageResolver.ResolveAsync(scope.Content, new Image { Name = request.Tags.FirstOrDefault()?.ToString() ?? "<unnamed>", Target = index }, platform, ct);
            platforms.Add((platform, image));
        }
        try
        {
            foreach (var (_, image) in platforms)
            {
                exporter.Status($"exporting manifest {image.ManifestDigest}");
                exporter.Status($"exporting config {image.Id}");
            }
            exporter.Status($"exporting manifest list {index.Digest}");
            if (named)
            {
                for (var i = 0; i < request.Tags.Count; i++)
                {
                    var tag = request.Tags[i];
                    await Timed(exporter, "naming to " + request.TagNames[i], async () =>
                        await scope.Images.PutAsync(new Image { Name = tag.ToString(), Target = index }, ct));
                }
            }
            if (outputs.Any(o => o.Type == OutputType.Registry) && remotePush is not null)
                await remotePush(request.Tags, exporter, ct);
            else if (outputs.Any(o => o.Type == OutputType.Registry))
            {
                var pusher = new ImagePusher(registries, scope.Content, scope.Images);
                foreach (var tag in request.Tags)
                    await Timed(exporter, $"pushing manifest for {tag}@{index.Digest}", async () => await pusher.PushAsync(tag, ct));
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            exporter.Fail(e.Message);
            throw;
        }
        exporter.Done();

        foreach (var output in outputs)
        {
            switch (output.Type)
            {
                case OutputType.Local:
                    await display.StepAsync("exporting to client directory", step => Timed(step, "copying files", async () =>
                    {
                        foreach (var (platform, image) in platforms)
                            await UnpackAsync(image, Path.Join(output.Destination!, PlatformDirectory(platform)), ct);
                    }));
                    break;
                case OutputType.Tar:
                    await display.StepAsync("exporting to client tarball", step => Timed(step, "sending tarball", () => WriteRootfsTarAsync(platforms, output.Destination!, ct)));
                    break;
                case OutputType.Oci:
                    await display.StepAsync("exporting to oci image format", step =>
                    {
                        step.Status($"exporting manifest list {index.Digest}");
                        return Timed(step, "sending tarball", async () =>
                        {
                            var names = request.Tags.Count > 0 ? request.Tags : output.Attributes.TryGetValue("name", out var n) ? [ImageReference.Parse(n)] : [];
                            await using var stream = OpenDestination(output.Destination!);
                            await ImageArchiveWriter.WriteIndexAsync(scope.Content, index, names, stream, ct);
                        });
                    });
                    break;
                case OutputType.Docker:
                    throw new UserFacingException(MultiPlatformOutputs.DockerArchiveRefused);
            }
        }
    }

    /// <summary>BuildKit's local and tar exporters put each platform under <c>os_arch[_variant]</c>.</summary>
    private static string PlatformDirectory(Platform platform) => PlatformSpec.Format(platform).Replace('/', '_');

    /// <summary>moby's image exporter: <c>writing image sha256:...</c>, then <c>naming to NAME</c> per tag, as the user wrote it.</summary>
    private async Task NameAsync(BuildRequest request, Descriptor manifest, ResolvedImage resolved, IProgressStep exporter, CancellationToken ct)
    {
        exporter.Status($"writing image {resolved.Id}");
        for (var i = 0; i < request.Tags.Count; i++)
        {
            var tag = request.Tags[i];
            await Timed(exporter, "naming to " + request.TagNames[i], async () =>
                await scope.Images.PutAsync(new Image { Name = tag.ToString(), Target = manifest }, ct));
        }
    }

    private async Task PushAsync(IReadOnlyList<ImageReference> tags, ResolvedImage resolved, IProgressStep exporter, CancellationToken ct)
    {
        var pusher = new ImagePusher(registries, scope.Content, scope.Images);
        foreach (var tag in tags)
            await Timed(exporter, $"pushing manifest for {tag}@{resolved.ManifestDigest}", async () => await pusher.PushAsync(tag, ct));
    }

    /// <summary>Runs <paramref name="work"/>, then reports it as a finished status line with its time.</summary>
    private static async Task Timed(IProgressStep step, string status, Func<Task> work)
    {
        var clock = Stopwatch.StartNew();
        await work();
        step.Status(status, clock.Elapsed);
    }

    private async Task UnpackAsync(ResolvedImage image, string destination, CancellationToken ct)
    {
        var dir = context.ResolvePath(destination);
        Directory.CreateDirectory(dir);
        await ImageUnpacker.UnpackAsync(scope.Content, image, dir, null, ct);
    }

    private Task WriteRootfsTarAsync(ResolvedImage image, string destination, CancellationToken ct) =>
        WriteRootfsTarAsync(async dir => await ImageUnpacker.UnpackAsync(scope.Content, image, dir, null, ct), destination, ct);

    private Task WriteRootfsTarAsync(IReadOnlyList<(Platform Platform, ResolvedImage Image)> platforms, string destination, CancellationToken ct) =>
        WriteRootfsTarAsync(async dir =>
        {
            foreach (var (platform, image) in platforms)
            {
                var sub = Directory.CreateDirectory(Path.Join(dir, PlatformDirectory(platform))).FullName;
                await ImageUnpacker.UnpackAsync(scope.Content, image, sub, null, ct);
            }
        }, destination, ct);

    private async Task WriteRootfsTarAsync(Func<string, Task> unpack, string destination, CancellationToken ct)
    {
        var scratch = Directory.CreateDirectory(Path.Join(scope.TempRoot, "rootfs-" + Guid.NewGuid().ToString("N")));
        try
        {
            await unpack(scratch.FullName);
            await using var output = OpenDestination(destination);
            WalkingDiffComparer.Compare(null, scratch.FullName, output, new DiffOptions(), ct);
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    private async Task WriteArchiveAsync(ResolvedImage image, IReadOnlyList<ImageReference> tags, OutputSpec output, CancellationToken ct)
    {
        var names = tags.Count > 0 ? tags : output.Attributes.TryGetValue("name", out var n) ? [ImageReference.Parse(n)] : [];
        await using var stream = OpenDestination(output.Destination!);
        var format = output.Type == OutputType.Oci ? ArchiveFormat.Oci : ArchiveFormat.Docker;
        await ImageArchiveWriter.WriteAsync(scope.Content, [new ArchiveImage(image, names)], stream, format, ct);
    }

    private Stream OpenDestination(string destination)
    {
        if (destination == "-")
        {
            var stdout = StandardOutput.Open(context, out var isTerminal);
            if (isTerminal)
                throw new UserFacingException("refusing to write a tar to a terminal: use -o type=...,dest=FILE or redirect");
            return stdout;
        }
        return File.Create(context.ResolvePath(destination));
    }
}
