namespace Img.Engine.Archive;

/// <summary>
/// Writes <see cref="ArchiveEntry"/> records as a PAX tar (long names, exact uid/gid and times,
/// xattrs as <c>SCHILY.xattr.*</c> with their raw, possibly binary, values), the dialect Docker
/// and BuildKit layers use. Dispose to write the end-of-archive blocks. Built on
/// <see cref="PaxTarWriter"/>, the one tar writer.
/// </summary>
public sealed class TarArchiveWriter : IAsyncDisposable
{
    private readonly Stream _output;
    private readonly bool _leaveOpen;
    private readonly PaxTarWriter _tar;

    public TarArchiveWriter(Stream output, bool leaveOpen = false)
    {
        _output = output;
        _leaveOpen = leaveOpen;
        _tar = new PaxTarWriter(output);
    }

    /// <summary>
    /// Things that could not be represented exactly. Always empty now that xattr values are
    /// written as raw bytes; kept for callers that report it.
    /// </summary>
    public IReadOnlyList<string> Warnings { get; } = [];

    /// <summary>Writes one entry; <paramref name="data"/> (regular files only) must hold <see cref="ArchiveEntry.Size"/> bytes.</summary>
    public async ValueTask WriteEntryAsync(ArchiveEntry entry, Stream? data = null, CancellationToken cancellationToken = default)
    {
        var name = entry.Type == ArchiveEntryType.Directory && !entry.Name.EndsWith('/') ? entry.Name + "/" : entry.Name;
        var records = new List<(string Key, byte[] Value)>();
        if (entry.AccessTime is { } atime)
            records.Add(("atime", PaxTarWriter.TimeRecord(atime)));
        foreach (var (key, value) in entry.Xattrs.OrderBy(x => x.Key, StringComparer.Ordinal))
            records.Add(("SCHILY.xattr." + key, value));

        string link = "";
        if (entry.Type is ArchiveEntryType.SymbolicLink or ArchiveEntryType.HardLink)
            link = entry.LinkName ?? throw new ArgumentException($"{entry.Name}: a link needs a LinkName", nameof(entry));
        var size = entry.Type == ArchiveEntryType.RegularFile ? entry.Size : 0;
        if (size > 0 && data is null)
            throw new ArgumentException($"{entry.Name}: data missing", nameof(data));
        var (mtime, mtimeNanoseconds) = PaxTarWriter.SplitTime(entry.ModificationTime);

        _tar.WriteHeader(name, TypeFlag(entry.Type), (uint)entry.Mode & 0xFFF, entry.Uid, entry.Gid, size,
            mtime, mtimeNanoseconds, link, (uint)entry.DeviceMajor, (uint)entry.DeviceMinor,
            entry.UserName ?? "", entry.GroupName ?? "", records);
        if (size > 0)
            await _tar.WriteDataAsync(data!, size, entry.Name, cancellationToken).ConfigureAwait(false);
    }

    private static char TypeFlag(ArchiveEntryType type) => type switch
    {
        ArchiveEntryType.RegularFile => '0',
        ArchiveEntryType.HardLink => '1',
        ArchiveEntryType.SymbolicLink => '2',
        ArchiveEntryType.CharacterDevice => '3',
        ArchiveEntryType.BlockDevice => '4',
        ArchiveEntryType.Directory => '5',
        ArchiveEntryType.Fifo => '6',
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public async ValueTask DisposeAsync()
    {
        _tar.Finish();
        await _output.FlushAsync().ConfigureAwait(false);
        if (!_leaveOpen)
            await _output.DisposeAsync().ConfigureAwait(false);
    }
}
