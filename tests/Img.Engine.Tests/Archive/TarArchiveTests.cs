using Img.Engine.Native;
using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using Img.Engine.Archive;
using Xunit;

namespace Img.Engine.Tests.Archive;

public class TarArchiveTests
{
    private static async Task<List<(ArchiveEntry Entry, string? Data)>> ReadAllAsync(byte[] tar)
    {
        var list = new List<(ArchiveEntry, string?)>();
        await using var reader = new TarArchiveReader(new MemoryStream(tar));
        while (await reader.ReadNextAsync() is { } e)
            list.Add((e, reader.Data is null ? null : await new StreamReader(reader.Data).ReadToEndAsync()));
        return list;
    }

    [Fact]
    public async Task Writer_and_reader_round_trip_every_kind_of_entry()
    {
        var longName = string.Join('/', Enumerable.Repeat("directory-name-of-some-length", 12)) + "/file.txt";
        Assert.True(longName.Length > 255);
        var mtime = new DateTimeOffset(2021, 5, 6, 7, 8, 9, TimeSpan.Zero).AddTicks(1234567);
        var stream = new MemoryStream();
        await using (var writer = new TarArchiveWriter(stream, leaveOpen: true))
        {
            await writer.WriteEntryAsync(new ArchiveEntry { Name = "bin", Type = ArchiveEntryType.Directory, Mode = (UnixFileMode)Convert.ToInt32("1777", 8), ModificationTime = mtime });
            await writer.WriteEntryAsync(new ArchiveEntry
            {
                Name = "bin/su", Type = ArchiveEntryType.RegularFile, Mode = (UnixFileMode)Convert.ToInt32("6755", 8),
                Uid = 1001, Gid = 2002, UserName = "u", GroupName = "g", Size = 3, ModificationTime = mtime,
                AccessTime = mtime.AddDays(1),
                Xattrs = new Dictionary<string, byte[]> { ["user.note"] = Encoding.UTF8.GetBytes("hi"), ["security.capability"] = [1, 0, 0xFF, 0xFE] },
            }, new MemoryStream("abc"u8.ToArray()));
            await writer.WriteEntryAsync(new ArchiveEntry { Name = longName, Type = ArchiveEntryType.RegularFile, Size = 1, ModificationTime = mtime }, new MemoryStream("x"u8.ToArray()));
            await writer.WriteEntryAsync(new ArchiveEntry { Name = "bin/sh", Type = ArchiveEntryType.SymbolicLink, LinkName = "/" + longName, ModificationTime = mtime });
            await writer.WriteEntryAsync(new ArchiveEntry { Name = "bin/su2", Type = ArchiveEntryType.HardLink, LinkName = "bin/su", ModificationTime = mtime });
            await writer.WriteEntryAsync(new ArchiveEntry { Name = "dev/null", Type = ArchiveEntryType.CharacterDevice, DeviceMajor = 1, DeviceMinor = 3, Mode = (UnixFileMode)Convert.ToInt32("666", 8), ModificationTime = mtime });
            await writer.WriteEntryAsync(new ArchiveEntry { Name = "dev/sda", Type = ArchiveEntryType.BlockDevice, DeviceMajor = 8, DeviceMinor = 0, ModificationTime = mtime });
            await writer.WriteEntryAsync(new ArchiveEntry { Name = "run/fifo", Type = ArchiveEntryType.Fifo, Mode = (UnixFileMode)Convert.ToInt32("600", 8), ModificationTime = mtime });
            Assert.Empty(writer.Warnings); // binary xattr values are written as they are
        }

        var entries = await ReadAllAsync(stream.ToArray());
        Assert.Equal(8, entries.Count);
        var dir = entries[0].Entry;
        Assert.Equal(ArchiveEntryType.Directory, dir.Type);
        Assert.Equal("bin/", dir.Name);
        Assert.Equal(Convert.ToInt32("1777", 8), (int)dir.Mode);

        var (su, data) = entries[1];
        Assert.Equal("abc", data);
        Assert.Equal(Convert.ToInt32("6755", 8), (int)su.Mode);
        Assert.True(su.Mode.HasFlag(UnixFileMode.SetUser) && su.Mode.HasFlag(UnixFileMode.SetGroup));
        Assert.Equal((1001, 2002, "u", "g"), (su.Uid, su.Gid, su.UserName, su.GroupName));
        Assert.Equal(mtime, su.ModificationTime);
        Assert.Equal(mtime.AddDays(1), su.AccessTime);
        Assert.Equal("hi", Encoding.UTF8.GetString(su.Xattrs["user.note"]));
        Assert.Equal(new byte[] { 1, 0, 0xFF, 0xFE }, su.Xattrs["security.capability"]);

        Assert.Equal(longName, entries[2].Entry.Name);
        Assert.Equal("x", entries[2].Data);
        Assert.Equal("/" + longName, entries[3].Entry.LinkName);
        Assert.Equal(ArchiveEntryType.HardLink, entries[4].Entry.Type);
        Assert.Equal("bin/su", entries[4].Entry.LinkName);
        Assert.Equal((ArchiveEntryType.CharacterDevice, 1, 3), (entries[5].Entry.Type, entries[5].Entry.DeviceMajor, entries[5].Entry.DeviceMinor));
        Assert.Equal((ArchiveEntryType.BlockDevice, 8, 0), (entries[6].Entry.Type, entries[6].Entry.DeviceMajor, entries[6].Entry.DeviceMinor));
        Assert.Equal(ArchiveEntryType.Fifo, entries[7].Entry.Type);
    }

    [Fact]
    public async Task Binary_xattr_values_are_read_raw_after_unread_data_and_global_headers()
    {
        // A global PAX header (System.Formats.Tar), then entries from our writer.
        var global = new MemoryStream();
        using (var w = new TarWriter(global, TarEntryFormat.Pax, leaveOpen: true))
            w.WriteEntry(new PaxGlobalExtendedAttributesTarEntry(new Dictionary<string, string> { ["comment"] = "g" }));
        var ms = new MemoryStream();
        ms.Write(global.ToArray().AsSpan(0, (int)global.Length - 1024)); // without its end blocks
        byte[] cap = [0x01, 0x00, 0x00, 0x02, 0xFF, 0xFE, 0x80, 0xC3, 0x00, 0x0A, 0x3D, 0x20];
        await using (var writer = new TarArchiveWriter(ms, leaveOpen: true))
        {
            await writer.WriteEntryAsync(new ArchiveEntry { Name = "big", Type = ArchiveEntryType.RegularFile, Size = 1000 }, new MemoryStream(new byte[1000]));
            await writer.WriteEntryAsync(new ArchiveEntry
            {
                Name = new string('n', 150), Type = ArchiveEntryType.RegularFile, Size = 3,
                Xattrs = new Dictionary<string, byte[]> { ["security.capability"] = cap, ["user.é"] = [0xC3] },
            }, new MemoryStream("abc"u8.ToArray()));
        }

        await using var reader = new TarArchiveReader(new MemoryStream(ms.ToArray()));
        Assert.Equal("big", (await reader.ReadNextAsync())!.Name); // its data is left unread
        var second = (await reader.ReadNextAsync())!;
        Assert.Equal(new string('n', 150), second.Name);
        Assert.Equal(cap, second.Xattrs["security.capability"]);
        Assert.Equal(new byte[] { 0xC3 }, second.Xattrs["user.é"]);
        Assert.Equal("abc", await new StreamReader(reader.Data!).ReadToEndAsync());
        Assert.Null(await reader.ReadNextAsync());
    }

    [Fact]
    public async Task Reads_gnu_long_names_and_link_names()
    {
        var longName = new string('n', 150) + "/" + new string('m', 120);
        var longTarget = new string('t', 200);
        var tar = new TarBuilder(TarEntryFormat.Gnu).File(longName, "gnu").Symlink("s", longTarget).Build();
        var entries = await ReadAllAsync(tar);
        Assert.Equal(longName, entries[0].Entry.Name);
        Assert.Equal("gnu", entries[0].Data);
        Assert.Equal(longTarget, entries[1].Entry.LinkName);
    }

    [Fact]
    public async Task Reads_libarchive_xattrs()
    {
        var ms = new MemoryStream();
        using (var w = new TarWriter(ms, TarEntryFormat.Pax, leaveOpen: true))
        {
            w.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "f", new Dictionary<string, string>
            {
                ["LIBARCHIVE.xattr.user.a%3Db"] = Convert.ToBase64String([0, 1, 2, 255]).TrimEnd('='),
                ["SCHILY.xattr.user.plain"] = "text",
            }));
        }
        var entry = (await ReadAllAsync(ms.ToArray()))[0].Entry;
        Assert.Equal(new byte[] { 0, 1, 2, 255 }, entry.Xattrs["user.a=b"]);
        Assert.Equal("text"u8.ToArray(), entry.Xattrs["user.plain"]);
    }

    [Fact]
    public async Task Describes_files_from_the_file_system()
    {
        var dir = Directory.CreateTempSubdirectory("img-fs-").FullName;
        try
        {
            var file = Path.Combine(dir, "f");
            await File.WriteAllTextAsync(file, "12345");
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(file, (UnixFileMode)Convert.ToInt32("4750", 8));
            File.CreateSymbolicLink(Path.Combine(dir, "l"), "f");
            var e = ArchiveEntry.FromFileSystem(file, "f");
            Assert.Equal(ArchiveEntryType.RegularFile, e.Type);
            Assert.Equal(5, e.Size);
            Assert.Equal(Convert.ToInt32("4750", 8), (int)e.Mode);
            Assert.Equal((int)Posix.GetEffectiveUserId(), e.Uid);
            var l = ArchiveEntry.FromFileSystem(Path.Combine(dir, "l"), "l");
            Assert.Equal(ArchiveEntryType.SymbolicLink, l.Type);
            Assert.Equal("f", l.LinkName);
            Assert.Equal(ArchiveEntryType.Directory, ArchiveEntry.FromFileSystem(dir, "d").Type);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public async Task Detects_compression_by_magic()
    {
        var tar = new TarBuilder().File("a", "hello").Build();
        var gz = new MemoryStream();
        using (var g = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true)) g.Write(tar);

        Assert.Equal(CompressionKind.None, Compression.Detect(tar));
        Assert.Equal(CompressionKind.Gzip, Compression.Detect(gz.ToArray()));
        Assert.Equal(CompressionKind.Zstd, Compression.Detect([0x28, 0xB5, 0x2F, 0xFD, 0, 0]));
        Assert.Equal(CompressionKind.Xz, Compression.Detect([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]));
        Assert.Equal(CompressionKind.Bzip2, Compression.Detect("BZh9"u8));
        Assert.Equal(CompressionKind.None, Compression.Detect([]));

        var zst = new MemoryStream();
        using (var z = new Img.Engine.Archive.Zstd.ZstdCompressionStream(zst, 3, 1, leaveOpen: true)) z.Write(tar);
        Assert.Equal(CompressionKind.Zstd, Compression.Detect(zst.ToArray()));

        foreach (var input in new[] { tar, gz.ToArray(), zst.ToArray() })
        {
            await using var s = await Compression.OpenDecompressedAsync(new MemoryStream(input));
            var copy = new MemoryStream();
            await s.CopyToAsync(copy);
            Assert.Equal(tar, copy.ToArray());
        }
        var e = await Assert.ThrowsAsync<InvalidDataException>(async () =>
        {
            await using var s = await Compression.OpenDecompressedAsync(new MemoryStream([0x28, 0xB5, 0x2F, 0xFD, 1, 2, 3]));
            await s.CopyToAsync(Stream.Null);
        });
        Assert.Contains("zstd", e.Message);
    }

    [Theory]
    [InlineData("application/vnd.oci.image.layer.v1.tar+gzip", CompressionKind.Gzip)]
    [InlineData("application/vnd.docker.image.rootfs.diff.tar.gzip", CompressionKind.Gzip)]
    [InlineData("application/vnd.oci.image.layer.v1.tar+zstd", CompressionKind.Zstd)]
    [InlineData("application/vnd.oci.image.layer.v1.tar", CompressionKind.None)]
    public void Compression_from_media_type(string mediaType, CompressionKind kind) =>
        Assert.Equal(kind, Compression.FromMediaType(mediaType));
}
