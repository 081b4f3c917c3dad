using Img.Engine.Graph;
using Img.Engine.Mounts;
using Img.Engine.Native;
using Img.Engine.Oci;
using Img.Engine.Tests.Worker;
using Img.Engine.Transfer;
using Img.Engine.Worker;
using Xunit;

namespace Img.Engine.Tests.Transfer;

/// <summary>
/// A producer node with one published result: busybox, two RUNs and a COPY (files, modes, setuid,
/// setgid dirs, uid 1000 owners, hardlinks, symlinks, a fifo, a deleted base file, a file deleted
/// from an earlier step, a directory emptied and refilled), then a step made by hand for what a RUN
/// in busybox cannot make (a file capability, a device node, a whiteout of a base file).
/// </summary>
public sealed class TransferProducerFixture : IAsyncLifetime
{
    public const string Dockerfile = """
        FROM busybox
        RUN mkdir -p /data/sub /home/u && echo hello > /data/a && chmod 0640 /data/a && ln /data/a /data/hard \
            && ln -s a /data/link && ln -s /nowhere /data/dangling && echo 1 > /data/sub/x1 && echo 2 > /data/sub/x2 \
            && chown 1000:1000 /home/u && chmod 2750 /home/u && echo u > /home/u/f && chown 1000:100 /home/u/f \
            && chmod 4755 /home/u/f && mkfifo /data/fifo && rm /bin/ls && touch -d '2001-09-09 01:46:40' /data/old
        COPY data.txt /work/
        RUN rm /data/a && echo more >> /data/hard && rm -rf /data/sub && mkdir /data/sub && echo n > /data/sub/new && chmod 0700 /data/sub
        """;

    /// <summary>VFS_CAP_REVISION_2 with the effective flag, CAP_NET_BIND_SERVICE permitted.</summary>
    public static readonly byte[] Capability = [0x01, 0x00, 0x00, 0x02, 0x00, 0x04, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

    internal WorkerHarness Harness { get; private set; } = null!;

    /// <summary>The export vertex's op of the Dockerfile (its config and history).</summary>
    internal ImageConfigOp ExportOp { get; private set; } = null!;

    /// <summary>The result: the hand-made step's snapshot.</summary>
    public string Result { get; private set; } = "";

    /// <summary>The Dockerfile target's root snapshot (below <see cref="Result"/>).</summary>
    public string Built { get; private set; } = "";

    internal ResultPublisher Publisher { get; private set; } = null!;

    public Descriptor Manifest { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Harness = await WorkerHarness.CreateAsync();
        Harness.WriteContext("data.txt", "data\n", 0x1A4);
        var (results, _, conversion) = await Harness.BuildAsync(Dockerfile);
        ExportOp = (ImageConfigOp)conversion.Graph.Target.Op;
        Built = results[conversion.Graph.Target.Inputs[0].Digest].SnapshotId;
        Result = await CommitHandMadeStepAsync(Built);
        Publisher = new ResultPublisher(Harness.Snapshotter, Harness.Content, Harness.Executor.Layers);
        Manifest = await Publisher.PublishAsync(Result, CancellationToken.None);
    }

    private async Task<string> CommitHandMadeStepAsync(string parent)
    {
        var snapshotter = Harness.Snapshotter;
        var mounts = await snapshotter.PrepareAsync("hand-made", parent);
        var scratch = Path.Join(Harness.State.TempRoot, "hand");
        Directory.CreateDirectory(scratch);
        using (var lease = Mounter.MountTemporary(mounts, scratch))
        {
            var root = lease.Directory;
            Directory.CreateDirectory(Path.Join(root, "caps"));
            var tool = Path.Join(root, "caps/tool");
            File.WriteAllText(tool, "#!/bin/sh\n");
            Posix.Chmod(tool, 0x1ED);
            Posix.SetXattr(tool, "security.capability", Capability);
            Posix.Mknod(Path.Join(root, "data/null"), 0x2000 | 0x1B6, 1, 3);
            File.WriteAllText(Path.Join(root, "caps/owned"), "x");
            Posix.Lchown(Path.Join(root, "caps/owned"), 1000, 1000);
            File.Delete(Path.Join(root, "bin/cat"));
        }
        const string name = "build-handmade-0001";
        await snapshotter.CommitAsync(name, "hand-made", new Dictionary<string, string> { [SnapshotLabels.Description] = "hand-made step" });
        return name;
    }

    public Task DisposeAsync()
    {
        Harness?.Dispose();
        return Task.CompletedTask;
    }
}
