using Img.Cli.Tests.Images;

namespace Img.Cli.Tests.Build;

/// <summary>
/// <c>RUN --mount=type=bind</c> of a local context (the build's own, or a named one from
/// <c>--build-context NAME=DIR</c>), in-process with runc: the step sees exactly what COPY sees
/// (BuildKit mounts the context it was sent, so .dockerignore applies), the directory itself when
/// nothing is left out, and a writable mount never writes into the user's directory.
/// </summary>
public sealed class BindMountContextTests : IDisposable
{
    private readonly ImagesRunner _img = new();

    public void Dispose() => _img.Dispose();

    private async Task ImportBusyboxAsync() =>
        await _img.OkAsync("import", "-c", "ENV PATH=/bin", await BusyboxRootfs.PathAsync(), "busybox:latest");

    private async Task<string> BuildAsync(string context, params string[] flags)
    {
        var dest = _img.PathOf("out-" + Guid.NewGuid().ToString("N")[..8]);
        await _img.OkAsync(["build", "--progress=plain", .. flags, "-o", $"type=local,dest={dest}", context]);
        return dest;
    }

    private static void Write(string root, string path, string text = "x\n")
    {
        var full = Path.Combine(root, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
    }

    [Fact]
    public async Task The_mount_of_the_context_shows_what_COPY_sees()
    {
        await ImportBusyboxAsync();
        var context = _img.WriteContext("""
            FROM busybox
            COPY . /copied
            RUN --mount=type=bind,target=/ctx cd /ctx && find . | sort > /mounted && cd /copied && find . | sort > /copy
            RUN --mount=type=bind,source=logs,target=/logs cd /logs && find . | sort > /logs-mounted
            """);
        Write(context, ".dockerignore", "secret.txt\nlogs\n!logs/keep.log\n*.tmp\n");
        Write(context, "secret.txt");
        Write(context, "build/out.tmp"); // *.tmp is matched at the top only, as docker matches it
        Write(context, "top.tmp");
        Write(context, "build/main.c");
        Write(context, "logs/old.log");
        Write(context, "logs/keep.log");

        var dest = await BuildAsync(context);
        var mounted = await File.ReadAllTextAsync(Path.Combine(dest, "mounted"));
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(dest, "copy")), mounted);
        Assert.Equal(".\n./.dockerignore\n./Dockerfile\n./a.txt\n./build\n./build/main.c\n./build/out.tmp\n./logs\n./logs/keep.log\n", mounted);
        Assert.Equal(".\n./keep.log\n", await File.ReadAllTextAsync(Path.Combine(dest, "logs-mounted")));
        // the user's files are all still there
        Assert.True(File.Exists(Path.Combine(context, "secret.txt")) && File.Exists(Path.Combine(context, "logs/old.log")));
    }

    [Fact]
    public async Task A_named_context_is_mounted_through_its_own_dockerignore()
    {
        await ImportBusyboxAsync();
        var context = _img.WriteContext("FROM busybox\nRUN --mount=type=bind,from=extra,target=/extra cd /extra && find . | sort > /seen\n");
        var extra = _img.PathOf("extra");
        Write(extra, ".dockerignore", "*.key\n");
        Write(extra, "config.yaml");
        Write(extra, "server.key");

        var dest = await BuildAsync(context, "--build-context", $"extra={extra}");
        Assert.Equal(".\n./.dockerignore\n./config.yaml\n", await File.ReadAllTextAsync(Path.Combine(dest, "seen")));
    }

    [Fact]
    public async Task Nothing_left_out_mounts_the_directory_itself()
    {
        await ImportBusyboxAsync();
        // patterns that match nothing here: the scan says so, and no copy is made
        var context = _img.WriteContext("FROM busybox\nRUN --mount=type=bind,target=/ctx stat -c %i /ctx > /inode\n");
        Write(context, ".dockerignore", "*.tmp\n");
        var dest = await BuildAsync(context);
        var inode = Engine.Native.Posix.LStat(context).Inode;
        Assert.Equal(inode.ToString(System.Globalization.CultureInfo.InvariantCulture), (await File.ReadAllTextAsync(Path.Combine(dest, "inode"))).Trim());

        // something left out: the step sees another directory, made for it
        Write(context, "x.tmp");
        var filtered = await BuildAsync(context, "--no-cache");
        Assert.NotEqual(inode.ToString(System.Globalization.CultureInfo.InvariantCulture), (await File.ReadAllTextAsync(Path.Combine(filtered, "inode"))).Trim());
    }

    [Fact]
    public async Task A_writable_mount_of_the_context_never_writes_into_it()
    {
        await ImportBusyboxAsync();
        var context = _img.WriteContext("FROM busybox\nRUN --mount=type=bind,rw,target=/ctx echo changed > /ctx/a.txt && touch /ctx/new && cat /ctx/a.txt > /seen\n");
        var dest = await BuildAsync(context);
        Assert.Equal("changed\n", await File.ReadAllTextAsync(Path.Combine(dest, "seen")));
        Assert.Equal("a\n", await File.ReadAllTextAsync(Path.Combine(context, "a.txt")));
        Assert.False(File.Exists(Path.Combine(context, "new")));
    }
}
