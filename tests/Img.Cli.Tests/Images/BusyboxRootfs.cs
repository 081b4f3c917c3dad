using Img.Engine.Archive;

namespace Img.Cli.Tests.Images;

/// <summary>
/// A root file system tar made from Debian's busybox-static: <c>bin/busybox</c> and a few
/// applet symlinks, written once per test run.
/// </summary>
internal static class BusyboxRootfs
{
    public const string Busybox = "/bin/busybox";
    public static readonly string[] Applets = ["sh", "ls", "cat", "echo"];
    private static readonly Lazy<Task<string>> Tarball = new(CreateAsync);

    /// <summary>The path of the tar.</summary>
    public static Task<string> PathAsync() => Tarball.Value;

    private static async Task<string> CreateAsync()
    {
        Assert.True(File.Exists(Busybox), "the tests need Debian's busybox-static (/bin/busybox)");
        var path = Path.Combine(Path.GetTempPath(), $"img-busybox-rootfs-{Environment.ProcessId}.tar");
        var time = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await using var file = File.Create(path);
        await using var tar = new TarArchiveWriter(file);
        var dirMode = (UnixFileMode)0b111_101_101;
        await tar.WriteEntryAsync(new ArchiveEntry { Name = "bin", Type = ArchiveEntryType.Directory, Mode = dirMode, ModificationTime = time });
        await using (var data = File.OpenRead(Busybox))
        {
            await tar.WriteEntryAsync(new ArchiveEntry
            {
                Name = "bin/busybox", Type = ArchiveEntryType.RegularFile, Mode = dirMode, Size = data.Length, ModificationTime = time,
            }, data);
        }
        foreach (var applet in Applets)
        {
            await tar.WriteEntryAsync(new ArchiveEntry
            {
                Name = "bin/" + applet, Type = ArchiveEntryType.SymbolicLink, LinkName = "busybox", Mode = (UnixFileMode)0b111_111_111, ModificationTime = time,
            });
        }
        await tar.WriteEntryAsync(new ArchiveEntry { Name = "tmp", Type = ArchiveEntryType.Directory, Mode = (UnixFileMode)0b1_111_111_111, ModificationTime = time });
        return path;
    }
}
