using Img.Engine.Native;
using System.Runtime.CompilerServices;
using Img.Engine.Archive;
using Img.Engine.Oci;
using Img.Engine.State;

namespace Img.Engine.Content.Local;

/// <summary>
/// The content store on the local file system:
/// <c>&lt;root&gt;/blobs/sha256/&lt;hex&gt;</c> holds committed blobs (the OCI layout's blob
/// paths), <c>&lt;root&gt;/ingest/</c> the temp files of writers. A writer holds an exclusive
/// advisory lock on its temp file; opening the store deletes temp files nobody holds that
/// are older than <see cref="StaleIngestAge"/> (left by a killed process).
/// Commit = fsync temp, verify, rename into <c>blobs/</c>, fsync the directory: a blob path
/// either does not exist or holds the whole verified blob.
/// </summary>
public sealed class LocalContentStore : IContentStore
{
    /// <summary>Temp files not written to for this long, and not locked, are removed on open.</summary>
    public static readonly TimeSpan StaleIngestAge = TimeSpan.FromMinutes(1);

    internal const string TempSuffix = ".partial";

    public LocalContentStore(string root)
    {
        Root = Path.GetFullPath(root);
        BlobsDirectory = Path.Combine(Root, "blobs", Digest.Sha256);
        IngestDirectory = Path.Combine(Root, "ingest");
        Directory.CreateDirectory(BlobsDirectory);
        Directory.CreateDirectory(IngestDirectory);
        RemoveStaleIngests(DateTimeOffset.UtcNow - StaleIngestAge);
    }

    /// <summary>The store under a state directory's <c>content/</c>.</summary>
    public static LocalContentStore Open(StateDirectory state) => new(state.ContentRoot);

    /// <summary>The store's root directory.</summary>
    public string Root { get; }

    /// <summary><c>&lt;root&gt;/blobs/sha256</c>.</summary>
    public string BlobsDirectory { get; }

    /// <summary><c>&lt;root&gt;/ingest</c>.</summary>
    public string IngestDirectory { get; }

    /// <summary>The path a committed blob has (whether or not it exists).</summary>
    public string BlobPath(Digest digest) => Path.Combine(BlobsDirectory, digest.Hex);

    public ValueTask<IContentReader> OpenAsync(Descriptor descriptor, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var digest = Digest.Parse(descriptor.Digest);
        FileStream stream;
        try
        {
            stream = new FileStream(BlobPath(digest), new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                Share = FileShare.Read | FileShare.Delete,
                Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
            });
        }
        catch (FileNotFoundException)
        {
            throw new ContentNotFoundException(digest);
        }
        if (stream.Length != descriptor.Size)
        {
            var actual = stream.Length;
            stream.Dispose();
            throw ContentVerificationException.SizeMismatch(digest, descriptor.Size, actual);
        }
        return ValueTask.FromResult<IContentReader>(new LocalContentReader(digest, stream));
    }

    public ValueTask<IContentWriter> OpenWriterAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var tempPath = Path.Combine(IngestDirectory, Guid.NewGuid().ToString("N") + TempSuffix);
        // FileShare.None makes .NET hold an exclusive flock on the temp file, which marks it live
        // for RemoveStaleIngests in this and other processes.
        var file = new FileStream(tempPath, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            Options = FileOptions.Asynchronous,
        });
        return ValueTask.FromResult<IContentWriter>(new LocalContentWriter(this, tempPath, file));
    }

    public ValueTask<ContentInfo?> InfoAsync(Digest digest, CancellationToken cancellationToken = default)
    {
        var file = new FileInfo(BlobPath(digest));
        return ValueTask.FromResult(file.Exists ? ToInfo(digest, file) : null);
    }

    public ValueTask<bool> ExistsAsync(Digest digest, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(File.Exists(BlobPath(digest)));

    public async IAsyncEnumerable<ContentInfo> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        foreach (var file in new DirectoryInfo(BlobsDirectory).EnumerateFiles())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!Digest.TryParse(Digest.Sha256 + ":" + file.Name, out var digest)) continue;
            FileInfo current;
            try
            {
                current = new FileInfo(file.FullName);
                if (!current.Exists) continue;
            }
            catch (IOException)
            {
                continue;
            }
            yield return ToInfo(digest, current);
        }
    }

    public ValueTask<bool> DeleteAsync(Digest digest, CancellationToken cancellationToken = default)
    {
        var path = BlobPath(digest);
        if (!File.Exists(path)) return ValueTask.FromResult(false);
        File.Delete(path);
        return ValueTask.FromResult(true);
    }

    /// <summary>Moves a verified temp file into place (called by the writer).</summary>
    internal ContentInfo Publish(string tempPath, Digest digest)
    {
        var target = BlobPath(digest);
        if (File.Exists(target))
        {
            File.Delete(tempPath);
        }
        else
        {
            // rename(2) replaces atomically; a concurrent writer of the same digest has identical bytes.
            File.Move(tempPath, target, overwrite: true);
            Posix.FsyncDirectory(BlobsDirectory);
        }
        return ToInfo(digest, new FileInfo(target));
    }

    /// <summary>Deletes temp files that no live writer holds and that were last written before <paramref name="olderThan"/>.</summary>
    internal int RemoveStaleIngests(DateTimeOffset olderThan)
    {
        var removed = 0;
        foreach (var file in new DirectoryInfo(IngestDirectory).EnumerateFiles())
        {
            try
            {
                if (file.LastWriteTimeUtc > olderThan.UtcDateTime) continue;
                using (new FileStream(file.FullName, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
                {
                    // Opened with an exclusive lock: no writer holds it.
                }
                file.Delete();
                removed++;
            }
            catch (IOException)
            {
                // Locked by a live writer, or already gone.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return removed;
    }

    private static ContentInfo ToInfo(Digest digest, FileInfo file) =>
        new(digest, file.Length, new DateTimeOffset(file.LastWriteTimeUtc, TimeSpan.Zero));
}
