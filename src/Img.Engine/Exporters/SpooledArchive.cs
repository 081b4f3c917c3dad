using Img.Engine.Archive;
using Img.Engine.Content;

namespace Img.Engine.Exporters;

/// <summary>
/// A tar read once from a stream (which need not seek) into numbered temp files, looked up by
/// cleaned entry name. Nothing is created under an entry's own name, and symlinks and hardlinks
/// are resolved lexically inside the archive, so a hostile archive cannot write or read outside
/// the temp directory; a name or link climbing out of the archive root is refused.
/// Dispose deletes the temp files.
/// </summary>
internal sealed class SpooledArchive : IDisposable
{
    private const int MaxLinkHops = 40;
    private readonly string _directory;
    private readonly Dictionary<string, string> _files = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _links = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Digest> _digests = new(StringComparer.Ordinal);

    private SpooledArchive(string directory) => _directory = directory;

    /// <summary>Reads the whole tar (plain or gzip) into <paramref name="tempRoot"/>.</summary>
    /// <exception cref="ArchiveFormatException">Empty, truncated, or not a tar.</exception>
    /// <exception cref="UnsafeArchiveEntryException">An entry name or link climbs out of the archive.</exception>
    public static async ValueTask<SpooledArchive> ReadAsync(Stream input, string tempRoot, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(tempRoot, "load-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var archive = new SpooledArchive(directory);
        try
        {
            await archive.FillAsync(input, cancellationToken).ConfigureAwait(false);
            return archive;
        }
        catch
        {
            archive.Dispose();
            throw;
        }
    }

    private async ValueTask FillAsync(Stream input, CancellationToken cancellationToken)
    {
        var entries = 0;
        try
        {
            await using var decompressed = await Compression.OpenDecompressedAsync(input, leaveOpen: true, cancellationToken).ConfigureAwait(false);
            await using var reader = new TarArchiveReader(decompressed, leaveOpen: true);
            while (await reader.ReadNextAsync(cancellationToken).ConfigureAwait(false) is { } entry)
            {
                entries++;
                var name = ArchivePath.Clean(entry.Name);
                switch (entry.Type)
                {
                    case ArchiveEntryType.RegularFile:
                        var path = Path.Combine(_directory, _files.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
                        await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
                        {
                            if (reader.Data is { } data) await data.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
                        }
                        _links.Remove(name);
                        _files[name] = path;
                        break;
                    case ArchiveEntryType.SymbolicLink:
                        var target = entry.LinkName ?? "";
                        var parent = name.Contains('/') ? name[..name.LastIndexOf('/')] : "";
                        _links[name] = ArchivePath.Clean(target.StartsWith('/') ? target : parent + "/" + target);
                        _files.Remove(name);
                        break;
                    case ArchiveEntryType.HardLink:
                        _links[name] = ArchivePath.Clean(entry.LinkName ?? "");
                        _files.Remove(name);
                        break;
                }
            }
        }
        catch (Exception e) when (e is EndOfStreamException or FormatException or InvalidDataException)
        {
            throw new ArchiveFormatException($"the archive is truncated or not a tar file: {e.Message}", e);
        }
        if (entries == 0) throw new ArchiveFormatException("the archive is empty: it has no tar entries");
    }

    /// <summary>True when <paramref name="name"/> is a regular file in the archive (links followed).</summary>
    public bool Contains(string name) => Locate(name) is not null;

    /// <summary>Opens a file of the archive.</summary>
    /// <exception cref="ArchiveFormatException">It is not there.</exception>
    public FileStream Open(string name) =>
        File.OpenRead(Locate(name) ?? throw new ArchiveFormatException($"the archive has no file \"{name}\""));

    /// <summary>The size of a file of the archive.</summary>
    public long SizeOf(string name) =>
        new FileInfo(Locate(name) ?? throw new ArchiveFormatException($"the archive has no file \"{name}\"")).Length;

    /// <summary>Reads a small file (JSON) whole.</summary>
    public async ValueTask<byte[]> ReadAllBytesAsync(string name, CancellationToken cancellationToken)
    {
        if (SizeOf(name) > ContentExtensions.MaxInMemoryBlobSize)
            throw new ArchiveFormatException($"\"{name}\" in the archive is too large for a JSON document");
        return await File.ReadAllBytesAsync(Locate(name)!, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The sha256 of a file of the archive (computed once).</summary>
    public async ValueTask<Digest> DigestOfAsync(string name, CancellationToken cancellationToken)
    {
        var path = Locate(name) ?? throw new ArchiveFormatException($"the archive has no file \"{name}\"");
        if (_digests.TryGetValue(path, out var known)) return known;
        await using var file = File.OpenRead(path);
        var digest = await Digest.ComputeAsync(file, cancellationToken).ConfigureAwait(false);
        _digests[path] = digest;
        return digest;
    }

    private string? Locate(string name)
    {
        string clean;
        try
        {
            clean = ArchivePath.Clean(name);
        }
        catch (UnsafeArchiveEntryException)
        {
            throw new ArchiveFormatException($"the archive refers to \"{name}\", which is outside it");
        }
        for (var hops = 0; hops <= MaxLinkHops; hops++)
        {
            if (_files.TryGetValue(clean, out var path)) return path;
            if (!_links.TryGetValue(clean, out var next)) return null;
            clean = next;
        }
        throw new ArchiveFormatException($"\"{name}\" in the archive: too many levels of links");
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
