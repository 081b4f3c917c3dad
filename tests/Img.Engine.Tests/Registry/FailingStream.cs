namespace Img.Engine.Tests.Registry;

/// <summary>Serves the first <c>failAfter</c> bytes of <c>content</c>, then throws as a dropped connection would.</summary>
internal sealed class FailingStream(byte[] content, int failAfter) : Stream
{
    private int _position;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => content.Length;
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        if (_position >= failAfter) throw new IOException("connection reset by peer");
        var n = Math.Min(count, Math.Min(failAfter, content.Length) - _position);
        Array.Copy(content, _position, buffer, offset, n);
        _position += n;
        return n;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
