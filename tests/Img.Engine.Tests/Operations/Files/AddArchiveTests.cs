using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using Img.Engine.Operations.Files;
using Xunit;
using static Img.Engine.Tests.Operations.Files.FileOpFixture;

namespace Img.Engine.Tests.Operations.Files;

/// <summary>ADD of local archives: detected by content, extracted inside the destination.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class AddArchiveTests : IDisposable
{
    private static readonly DateTimeOffset Mtime = new(2019, 5, 6, 7, 8, 9, TimeSpan.Zero);
    private readonly FileOpFixture _f = new();

    public void Dispose() => _f.Dispose();

    private Task AddAsync(string src, string dest, string? chown = null) =>
        _f.CopyAsync(src, dest, a => a with { AttemptUnpack = true, Chown = chown });

    private static byte[] Tar(params (string Name, string? Content)[] entries)
    {
        var ms = new MemoryStream();
        using (var w = new TarWriter(ms, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                var e = new PaxTarEntry(content is null ? TarEntryType.Directory : TarEntryType.RegularFile, name)
                {
                    Uid = 1234,
                    Gid = 4321,
                    Mode = content is null ? (UnixFileMode)0x1ED : (UnixFileMode)0x1E4,
                    ModificationTime = Mtime,
                };
                if (content is not null) e.DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(content));
                w.WriteEntry(e);
            }
        }
        return ms.ToArray();
    }

    private static byte[] SampleTar() => Tar(("pkg/", null), ("pkg/readme.txt", "read me"), ("pkg/bin/tool", "#!/bin/sh"));

    private static byte[] Gzip(byte[] data)
    {
        var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(data);
        return ms.ToArray();
    }

    private static byte[] Program(string program, byte[] data)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        Process p;
        try
        {
            p = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"this test needs the {program} program (apt-get install {(program == "xz" ? "xz-utils" : program)})", e);
        }
        var output = new MemoryStream();
        var reader = p.StandardOutput.BaseStream.CopyToAsync(output);
        p.StandardInput.BaseStream.Write(data);
        p.StandardInput.Close();
        reader.GetAwaiter().GetResult();
        p.WaitForExit();
        return output.ToArray();
    }

    private void AssertExtracted(string dir)
    {
        Assert.Equal("read me", File.ReadAllText(Path.Join(dir, "pkg/readme.txt")));
        Assert.Equal("#!/bin/sh", File.ReadAllText(Path.Join(dir, "pkg/bin/tool")));
        var st = Stat(Path.Join(dir, "pkg/readme.txt"));
        Assert.Equal((1234u, 4321u), (st.Uid, st.Gid));
        Assert.Equal(0x1E4u, st.Permissions);
        Assert.Equal(Mtime.ToUnixTimeSeconds(), st.MtimeSeconds);
    }

    [Fact]
    public async Task Plain_tar_is_extracted_into_the_destination()
    {
        File.WriteAllBytes(Path.Join(_f.Context, "app.tar"), SampleTar());

        await AddAsync("/app.tar", "/opt/");

        AssertExtracted(_f.InRoot("opt"));
        Assert.False(File.Exists(_f.InRoot("opt/app.tar")));
    }

    [Fact]
    public async Task Tar_gz_is_extracted_even_without_a_trailing_slash()
    {
        File.WriteAllBytes(Path.Join(_f.Context, "app.tgz"), Gzip(SampleTar()));

        await AddAsync("/app.tgz", "/opt/x");

        AssertExtracted(_f.InRoot("opt/x"));
    }

    [Fact]
    public async Task Tar_bz2_is_extracted()
    {
        File.WriteAllBytes(Path.Join(_f.Context, "app.tar.bz2"), Program("bzip2", SampleTar()));

        await AddAsync("/app.tar.bz2", "/opt/");

        AssertExtracted(_f.InRoot("opt"));
    }

    [Fact]
    public async Task Tar_xz_is_extracted()
    {
        File.WriteAllBytes(Path.Join(_f.Context, "app.tar.xz"), Program("xz", SampleTar()));

        await AddAsync("/app.tar.xz", "/opt/");

        AssertExtracted(_f.InRoot("opt"));
    }

    [Fact]
    public async Task Archive_detection_ignores_the_name()
    {
        File.WriteAllBytes(Path.Join(_f.Context, "data.bin"), Gzip(SampleTar()));

        await AddAsync("/data.bin", "/opt/");

        AssertExtracted(_f.InRoot("opt"));
    }

    [Fact]
    public async Task Non_archives_are_copied_as_they_are()
    {
        Write(_f.Context, "notes.tar.gz", "just text, not an archive");
        File.WriteAllBytes(Path.Join(_f.Context, "data.gz"), Gzip("plain text inside gzip"u8.ToArray()));

        await AddAsync("/notes.tar.gz", "/opt/");
        await AddAsync("/data.gz", "/opt/");

        Assert.Equal("just text, not an archive", File.ReadAllText(_f.InRoot("opt/notes.tar.gz")));
        Assert.True(File.Exists(_f.InRoot("opt/data.gz")));
    }

    [Fact]
    public async Task Copy_never_extracts()
    {
        File.WriteAllBytes(Path.Join(_f.Context, "app.tar"), SampleTar());

        await _f.CopyAsync("/app.tar", "/opt/");

        Assert.True(File.Exists(_f.InRoot("opt/app.tar")));
    }

    [Fact]
    public async Task Chown_applies_to_every_extracted_entry_and_the_created_destination()
    {
        File.WriteAllBytes(Path.Join(_f.Context, "app.tar"), SampleTar());

        await AddAsync("/app.tar", "/opt/", chown: "77:88");

        foreach (string p in new[] { "opt", "opt/pkg", "opt/pkg/readme.txt", "opt/pkg/bin/tool" })
        {
            var st = Stat(_f.InRoot(p));
            Assert.Equal((77u, 88u), (st.Uid, st.Gid));
        }
        // a directory only implied by an entry's path belongs to root, as in moby's Untar
        Assert.Equal(0u, Stat(_f.InRoot("opt/pkg/bin")).Uid);
    }

    [Fact]
    public async Task Wildcard_sources_extract_each_archive()
    {
        File.WriteAllBytes(Path.Join(_f.Context, "a.tar"), Tar(("a.txt", "a")));
        File.WriteAllBytes(Path.Join(_f.Context, "b.tar"), Tar(("b.txt", "b")));

        await AddAsync("/*.tar", "/opt/");

        Assert.Equal(["a.txt", "b.txt"], CopyPathTests.Names(_f.InRoot("opt")));
    }

    [Fact]
    public async Task Entries_climbing_out_are_refused()
    {
        File.WriteAllBytes(Path.Join(_f.Context, "evil.tar"), Tar(("../../escaped.txt", "x")));

        var e = await Assert.ThrowsAsync<FileOpException>(() => AddAsync("/evil.tar", "/opt/"));

        Assert.Contains("escaped.txt", e.Message);
        Assert.False(File.Exists(Path.Join(Path.GetDirectoryName(_f.Root)!, "escaped.txt")));
    }
}
