using System.Formats.Tar;
using System.Text;

namespace Img.Engine.Tests.Archive;

/// <summary>Builds test tars with System.Formats.Tar directly (so hostile names are possible and
/// the reader is not tested against its own writer only).</summary>
internal sealed class TarBuilder
{
    private readonly MemoryStream _stream = new();
    private readonly TarWriter _writer;
    private static readonly DateTimeOffset Time = new(2020, 1, 2, 3, 4, 5, TimeSpan.Zero);

    public TarBuilder(TarEntryFormat format = TarEntryFormat.Pax) => _writer = new TarWriter(_stream, format, leaveOpen: true);

    private TarEntry New(TarEntryType type, string name) => _writer.Format switch
    {
        TarEntryFormat.Gnu => new GnuTarEntry(type, name),
        TarEntryFormat.Ustar => new UstarTarEntry(type, name),
        _ => new PaxTarEntry(type, name),
    };

    public TarBuilder File(string name, string content, UnixFileMode mode = (UnixFileMode)0b110_100_100, int uid = 0, int gid = 0)
    {
        var e = New(TarEntryType.RegularFile, name);
        e.Mode = mode;
        e.Uid = uid;
        e.Gid = gid;
        e.ModificationTime = Time;
        e.DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content));
        _writer.WriteEntry(e);
        return this;
    }

    public TarBuilder Dir(string name, UnixFileMode mode = (UnixFileMode)0b111_101_101)
    {
        var e = New(TarEntryType.Directory, name);
        e.Mode = mode;
        e.ModificationTime = Time;
        _writer.WriteEntry(e);
        return this;
    }

    public TarBuilder Symlink(string name, string target)
    {
        var e = New(TarEntryType.SymbolicLink, name);
        e.LinkName = target;
        e.Mode = (UnixFileMode)0b111_111_111;
        e.ModificationTime = Time;
        _writer.WriteEntry(e);
        return this;
    }

    public TarBuilder Hardlink(string name, string target)
    {
        var e = New(TarEntryType.HardLink, name);
        e.LinkName = target;
        e.ModificationTime = Time;
        _writer.WriteEntry(e);
        return this;
    }

    public TarBuilder Device(string name, TarEntryType type, int major, int minor)
    {
        var e = (PosixTarEntry)New(type, name);
        e.DeviceMajor = major;
        e.DeviceMinor = minor;
        e.Mode = (UnixFileMode)0b110_110_110;
        e.ModificationTime = Time;
        _writer.WriteEntry(e);
        return this;
    }

    public byte[] Build()
    {
        _writer.Dispose();
        return _stream.ToArray();
    }
}
