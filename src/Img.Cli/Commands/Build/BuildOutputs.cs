using Img.Cli.Commands.Images;
using Img.Cli.Hosting;
using Img.Cli.Progress;
using Img.Engine.Diff;
using Img.Engine.Diff.Walking;
using Img.Engine.Exporters;
using Img.Engine.Images;
using Img.Engine.Oci;
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
    public async Task DeliverAsync(BuildRequest request, Descriptor manifest, CancellationToken ct)
    {
        var outputs = request.Outputs.ToList();
        if (outputs.Count == 0 || request.Push)
            outputs.Add(new OutputSpec(request.Push ? OutputType.Registry : OutputType.Image, null, new Dictionary<string, string>()));

        var image = new Image { Name = request.Tags.FirstOrDefault()?.ToString() ?? "<unnamed>", Target = manifest };
        var resolved = await ImageResolver.ResolveAsync(scope.Content, image, null, ct);
        foreach (var output in outputs)
        {
            switch (output.Type)
            {
                case OutputType.Image or OutputType.Registry:
                    await NameAsync(request.Tags, manifest, resolved, ct);
                    if (output.Type == OutputType.Registry)
                        await PushAsync(request.Tags, ct);
                    break;
                case OutputType.Local:
                    await display.StepAsync($"exporting to client directory {output.Destination}", () => UnpackAsync(resolved, output.Destination!, ct));
                    break;
                case OutputType.Tar:
                    await display.StepAsync("exporting to client tarball", () => WriteRootfsTarAsync(resolved, output.Destination!, ct));
                    break;
                case OutputType.Oci or OutputType.Docker:
                    await display.StepAsync($"exporting to {(output.Type == OutputType.Oci ? "oci" : "docker")} image format",
                        () => WriteArchiveAsync(resolved, request.Tags, output, ct));
                    break;
            }
        }
    }

    private async Task NameAsync(IReadOnlyList<ImageReference> tags, Descriptor manifest, ResolvedImage resolved, CancellationToken ct)
    {
        await display.StepAsync($"writing image {resolved.Id}", () => Task.CompletedTask);
        foreach (var tag in tags)
        {
            await display.StepAsync($"naming to {tag}", async () =>
                await scope.Images.PutAsync(new Image { Name = tag.ToString(), Target = manifest }, ct));
        }
    }

    private async Task PushAsync(IReadOnlyList<ImageReference> tags, CancellationToken ct)
    {
        var pusher = new ImagePusher(registries, scope.Content, scope.Images, TextWriter.Null);
        foreach (var tag in tags)
            await display.StepAsync($"pushing {tag}", async () => await pusher.PushAsync(tag, ct));
    }

    private async Task UnpackAsync(ResolvedImage image, string destination, CancellationToken ct)
    {
        var dir = context.ResolvePath(destination);
        Directory.CreateDirectory(dir);
        await ImageUnpacker.UnpackAsync(scope.Content, image, dir, null, ct);
    }

    private async Task WriteRootfsTarAsync(ResolvedImage image, string destination, CancellationToken ct)
    {
        var scratch = Directory.CreateDirectory(Path.Join(scope.TempRoot, "rootfs-" + Guid.NewGuid().ToString("N")));
        try
        {
            await ImageUnpacker.UnpackAsync(scope.Content, image, scratch.FullName, null, ct);
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
