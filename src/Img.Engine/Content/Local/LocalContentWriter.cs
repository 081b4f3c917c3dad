namespace Img.Engine.Content.Local;

internal sealed class LocalContentWriter : IContentWriter
{
    private readonly LocalContentStore _store;
    private readonly string _tempPath;
    private readonly FileStream _file;
    private readonly DigestingStream _stream;
    private bool _finished;

    internal LocalContentWriter(LocalContentStore store, string tempPath, FileStream file)
    {
        _store = store;
        _tempPath = tempPath;
        _file = file;
        _stream = new DigestingStream(file, leaveOpen: true);
    }

    public Stream Stream => _finished ? throw new ObjectDisposedException(nameof(LocalContentWriter)) : _stream;
    public long BytesWritten => _stream.BytesHashed;
    public Digest CurrentDigest => _stream.Digest;

    public async ValueTask<ContentInfo> CommitAsync(Digest? expectedDigest, long? expectedSize, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        _finished = true;
        try
        {
            await _file.FlushAsync(cancellationToken).ConfigureAwait(false);
            _file.Flush(flushToDisk: true);
            var actual = _stream.Digest;
            var size = _stream.BytesHashed;
            // Close before the rename: the exclusive lock on the temp must not follow it into blobs/.
            await _file.DisposeAsync().ConfigureAwait(false);
            _stream.Dispose();
            if (expectedDigest is { } expected && expected != actual)
                throw ContentVerificationException.DigestMismatch(expected, actual, size);
            if (expectedSize is { } wanted && wanted != size)
                throw ContentVerificationException.SizeMismatch(actual, wanted, size);
            return _store.Publish(_tempPath, actual);
        }
        catch
        {
            TryDeleteTemp();
            throw;
        }
    }

    public void Dispose()
    {
        if (_finished) return;
        _finished = true;
        _stream.Dispose();
        _file.Dispose();
        TryDeleteTemp();
    }

    public async ValueTask DisposeAsync()
    {
        if (_finished) return;
        _finished = true;
        _stream.Dispose();
        await _file.DisposeAsync().ConfigureAwait(false);
        TryDeleteTemp();
    }

    private void TryDeleteTemp()
    {
        try
        {
            File.Delete(_tempPath);
        }
        catch (IOException)
        {
        }
    }
}
