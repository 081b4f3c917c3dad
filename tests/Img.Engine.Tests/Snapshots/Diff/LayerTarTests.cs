using System.Diagnostics;
using System.Formats.Tar;
using System.Text;
using Img.Engine.Archive;
using Img.Engine.Diff;
using Img.Engine.Diff.Walking;
using Img.Engine.Mounts;
using Img.Engine.Native;
using Img.Engine.Tests.Snapshots;
using Xunit;

namespace Img.Engine.Tests.Snapshots.Diff;

/// <summary>Layer tar contents: entry types, modes, owners, links, devices, xattrs, names, times.</summary>
public sealed class LayerTarTests : IDisposable
{
    private readonly TestDirectory _dir = new("img-tar");

    public void Dispose() => _dir.Dispose();

    private static List<TarEntry> Read(byte[] tar)
    {
        var list = new List<TarEntry>();
        using var reader = new TarReader(new MemoryStream(tar));
        while (reader.GetNextEntry(copyData: true) is TarEntry e)
        {
            list.Add(e);
        }
        return list;
    }

    private byte[] DiffAll(string upper, DiffOptions? options = null)
    {
        using var ms = new MemoryStream();
        WalkingDiffComparer.Compare(null, upper, ms, options ?? DiffOptions.Default);
        return ms.ToArray();
    }

    [Fact]
    public void Every_file_type_and_attribute_is_recorded()
    {
        Requirements.Root();
        string up = _dir.Sub("up");
        File.WriteAllText(Path.Join(up, "file"), "hello");
        Posix.Lchown(Path.Join(up, "file"), 1234, 5678);
        Posix.Chmod(Path.Join(up, "file"), 0xDED); // 06755: setuid + setgid (after chown, which clears them)
        Posix.Link(Path.Join(up, "file"), Path.Join(up, "hard"));
        File.CreateSymbolicLink(Path.Join(up, "sym"), "file");
        Directory.CreateDirectory(Path.Join(up, "tmp"));
        Posix.Chmod(Path.Join(up, "tmp"), 0x3FF); // 01777
        Posix.Mknod(Path.Join(up, "fifo"), FileStatus.TypeFifo | 0x1A4, 0, 0);
        Posix.Mknod(Path.Join(up, "null"), FileStatus.TypeCharDevice | 0x1B6, 1, 3);
        Posix.Mknod(Path.Join(up, "blk"), FileStatus.TypeBlockDevice | 0x180, 7, 0);
        Posix.SetTimes(Path.Join(up, "file"), 1_600_000_000, 0, 1_600_000_000, 500);

        var entries = Read(DiffAll(up)).ToDictionary(e => e.Name);
        Assert.Equal(["blk", "fifo", "file", "hard", "null", "sym", "tmp/"], entries.Keys.Order(StringComparer.Ordinal));

        TarEntry file = entries["file"];
        Assert.Equal(TarEntryType.RegularFile, file.EntryType);
        Assert.Equal(1234, file.Uid);
        Assert.Equal(5678, file.Gid);
        Assert.Equal((UnixFileMode)0xDED, file.Mode);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_600_000_000), file.ModificationTime);
        Assert.Equal("hello", new StreamReader(file.DataStream!).ReadToEnd());

        Assert.Equal(TarEntryType.HardLink, entries["hard"].EntryType);
        Assert.Equal("file", entries["hard"].LinkName);
        Assert.Equal(TarEntryType.SymbolicLink, entries["sym"].EntryType);
        Assert.Equal("file", entries["sym"].LinkName);
        Assert.Equal((UnixFileMode)0x3FF, entries["tmp/"].Mode);
        Assert.Equal(TarEntryType.Fifo, entries["fifo"].EntryType);
        var chr = (PosixTarEntry)entries["null"];
        Assert.Equal(TarEntryType.CharacterDevice, chr.EntryType);
        Assert.Equal((1, 3), (chr.DeviceMajor, chr.DeviceMinor));
        var blk = (PosixTarEntry)entries["blk"];
        Assert.Equal(TarEntryType.BlockDevice, blk.EntryType);
        Assert.Equal((7, 0), (blk.DeviceMajor, blk.DeviceMinor));
        Assert.All(entries.Values, e => Assert.Equal("", ((PosixTarEntry)e).UserName));
    }

    [Fact]
    public void Security_capability_is_a_binary_pax_xattr()
    {
        Requirements.Root();
        string up = _dir.Sub("up");
        string f = Path.Join(up, "ping");
        File.WriteAllText(f, "x");
        // vfs_cap_data v2: CAP_NET_RAW (13) permitted + effective.
        byte[] cap = [0x01, 0x00, 0x00, 0x02, 0x00, 0x20, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        Posix.SetXattr(f, "security.capability", cap);
        byte[] tar = DiffAll(up);

        byte[] record = Encoding.ASCII.GetBytes(" SCHILY.xattr.security.capability=");
        int at = tar.AsSpan().IndexOf(record);
        Assert.True(at > 0, "no SCHILY.xattr.security.capability record");
        Assert.Equal(cap, tar.AsSpan(at + record.Length, cap.Length).ToArray());

        // GNU tar reads the record back as the same binary value.
        string outDir = _dir.Sub("out");
        string tarPath = Path.Join(_dir.Path, "cap.tar");
        File.WriteAllBytes(tarPath, tar);
        Run("tar", "--xattrs", "--xattrs-include=*", "-xf", tarPath, "-C", outDir);
        Assert.Equal(cap, Posix.GetXattr(Path.Join(outDir, "ping"), "security.capability"));
    }

    [Fact]
    public async Task Security_capability_survives_diff_tar_and_apply_byte_for_byte()
    {
        Requirements.Root();
        string up = _dir.Sub("up");
        string f = Path.Join(up, "ping");
        File.WriteAllText(f, "x");
        // setcap cap_net_raw+ep: vfs_cap_data v2, bytes that are not valid UTF-8 (0x20 0x00 ... 0x00 after 0x02).
        byte[] cap = [0x01, 0x00, 0x00, 0x02, 0x00, 0x20, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        byte[] notUtf8 = [0x01, 0x00, 0x00, 0x02, 0xFF, 0xFE, 0x80, 0xC3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        File.WriteAllText(Path.Join(up, "other"), "y");
        Posix.SetXattr(f, "security.capability", cap);
        Posix.SetXattr(Path.Join(up, "other"), "security.capability", notUtf8);

        string outDir = _dir.Sub("applied");
        await SafeUnpacker.ApplyAsync(new MemoryStream(DiffAll(up)), outDir);

        Assert.Equal(cap, Posix.GetXattr(Path.Join(outDir, "ping"), "security.capability"));
        Assert.Equal(notUtf8, Posix.GetXattr(Path.Join(outDir, "other"), "security.capability"));
    }

    [Fact]
    public void Long_and_unicode_names_and_link_targets_survive()
    {
        Requirements.Root();
        string up = _dir.Sub("up");
        string deep = string.Join('/', Enumerable.Range(0, 12).Select(i => $"directory-number-{i:00}"));
        Directory.CreateDirectory(Path.Join(up, deep));
        string longName = new string('n', 150);
        File.WriteAllText(Path.Join(up, deep, longName), "x");
        File.WriteAllText(Path.Join(up, "ünïcødé-файл"), "u");
        File.CreateSymbolicLink(Path.Join(up, "longlink"), "/" + deep + "/" + longName);

        var entries = Read(DiffAll(up));
        Assert.Contains(entries, e => e.Name == deep + "/" + longName && e.EntryType == TarEntryType.RegularFile);
        Assert.Contains(entries, e => e.Name == "ünïcødé-файл");
        Assert.Equal("/" + deep + "/" + longName, entries.Single(e => e.Name == "longlink").LinkName);
    }

    [Fact]
    public void Order_is_sorted_depth_first_with_parents_first()
    {
        Requirements.Root();
        string up = _dir.Sub("up");
        foreach (string p in new[] { "b/z", "a.txt", "a/c", "a/b/d", "B" })
        {
            Directory.CreateDirectory(Path.Join(up, Path.GetDirectoryName(p)!));
            File.WriteAllText(Path.Join(up, p), p);
        }
        var names = Read(DiffAll(up)).Select(e => e.Name).ToList();
        Assert.Equal(["B", "a/", "a/b/", "a/b/d", "a/c", "a.txt", "b/", "b/z"], names);
        Assert.Equal(DiffAll(up), DiffAll(up));
    }

    [Fact]
    public void Source_date_epoch_clamps_newer_mtimes_only()
    {
        Requirements.Root();
        string up = _dir.Sub("up");
        File.WriteAllText(Path.Join(up, "old"), "o");
        File.WriteAllText(Path.Join(up, "new"), "n");
        Posix.SetTimes(Path.Join(up, "old"), 1_000_000_000, 0, 1_000_000_000, 0);
        var epoch = DateTimeOffset.FromUnixTimeSeconds(1_500_000_000);
        var entries = Read(DiffAll(up, new DiffOptions(epoch))).ToDictionary(e => e.Name);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_000_000_000), entries["old"].ModificationTime);
        Assert.Equal(epoch, entries["new"].ModificationTime);
    }

    [Fact]
    public void Double_walk_finds_content_changes_behind_equal_metadata()
    {
        Requirements.Root();
        string lower = _dir.Sub("lower"), upper = _dir.Sub("upper");
        foreach (string d in new[] { lower, upper })
        {
            File.WriteAllText(Path.Join(d, "same"), "abc");
            File.WriteAllText(Path.Join(d, "content"), d == lower ? "abc" : "xyz");
            File.WriteAllText(Path.Join(d, "mode"), "m");
            File.CreateSymbolicLink(Path.Join(d, "link"), d == lower ? "one" : "two");
            foreach (string f in Directory.GetFileSystemEntries(d))
            {
                Posix.SetTimes(f, 1_600_000_000, 0, 1_600_000_000, 0);
            }
            Posix.SetTimes(d, 1_600_000_000, 0, 1_600_000_000, 0);
        }
        Posix.Chmod(Path.Join(upper, "mode"), 0x1C0);
        File.WriteAllText(Path.Join(lower, "deleted"), "d");
        using var ms = new MemoryStream();
        WalkingDiffComparer.Compare(lower, upper, ms, DiffOptions.Default);
        var names = Read(ms.ToArray()).Select(e => e.Name).ToList();
        Assert.Equal(["content", ".wh.deleted", "link", "mode"], names);
    }

    [Fact]
    public async Task Gzip_blob_has_matching_diff_id_and_digest_and_is_valid_gzip()
    {
        Requirements.Root();
        string up = _dir.Sub("up");
        var rnd = new Random(42);
        for (int i = 0; i < 20; i++)
        {
            byte[] data = new byte[rnd.Next(0, 3 << 20)];
            rnd.NextBytes(data.AsSpan(0, data.Length / 2));
            File.WriteAllBytes(Path.Join(up, $"f{i}"), data);
        }
        byte[] tar = DiffAll(up);
        foreach (int parallelism in new[] { 1, 0 })
        {
            using var blob = new MemoryStream();
            LayerBlob layer = await LayerExporter.ExportAsync(new WalkingDiffComparer(), [], [Mount.Bind(up, readOnly: true)],
                blob, LayerCompression.Gzip, DiffOptions.Default, parallelism);
            byte[] gz = blob.ToArray();
            Assert.Equal("sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(tar)), layer.DiffId);
            Assert.Equal("sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(gz)), layer.Digest);
            Assert.Equal(gz.Length, layer.Size);
            Assert.Equal(tar.Length, layer.UncompressedSize);
            Assert.Equal(Oci.MediaTypes.OciLayerGzip, layer.MediaType);

            using var unzip = new System.IO.Compression.GZipStream(new MemoryStream(gz), System.IO.Compression.CompressionMode.Decompress);
            using var back = new MemoryStream();
            unzip.CopyTo(back);
            Assert.Equal(tar, back.ToArray());

            // gzip(1) agrees (multi-member files are standard gzip).
            string path = Path.Join(_dir.Path, $"layer{parallelism}.tar.gz");
            File.WriteAllBytes(path, gz);
            Assert.Equal(layer.DiffId["sha256:".Length..], Run("sh", "-c", $"gzip -dc {path} | sha256sum | cut -d' ' -f1").Trim());
        }
    }

    [Fact]
    public void Empty_layer_is_two_zero_blocks_and_still_valid_gzip()
    {
        using var blob = new MemoryStream();
        using var w = new LayerBlobWriter(blob, LayerCompression.Gzip);
        new LayerTarWriter(w).Finish();
        LayerBlob layer = w.Complete();
        Assert.Equal(1024, layer.UncompressedSize);
        using var unzip = new System.IO.Compression.GZipStream(new MemoryStream(blob.ToArray()), System.IO.Compression.CompressionMode.Decompress);
        using var back = new MemoryStream();
        unzip.CopyTo(back);
        Assert.Equal(new byte[1024], back.ToArray());
    }

    private static string Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using Process p = Process.Start(psi)!;
        string stdout = p.StandardOutput.ReadToEnd();
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{file} {string.Join(' ', args)}: {stderr}");
        return stdout;
    }
}
