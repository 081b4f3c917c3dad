using Img.Cli.Commands;

namespace Img.Cli.Hosting;

/// <summary>
/// Binary standard output for commands that stream archives (<c>img save</c>). The process's
/// stdout when the command writes to the console, or the stream under a
/// <see cref="StreamWriter"/> (how in-process tests capture it).
/// </summary>
public static class StandardOutput
{
    /// <summary>Opens the binary stdout; <paramref name="isTerminal"/> is true when it is a terminal.</summary>
    /// <exception cref="UserFacingException">The command's output cannot carry bytes.</exception>
    public static Stream Open(CommandContext context, out bool isTerminal)
    {
        if (context.Out is StreamWriter writer)
        {
            writer.Flush();
            isTerminal = false;
            return new NonClosingStream(writer.BaseStream);
        }
        if (ReferenceEquals(context.Out, Console.Out))
        {
            Console.Out.Flush();
            isTerminal = !Console.IsOutputRedirected;
            return Console.OpenStandardOutput();
        }
        throw new UserFacingException("standard output cannot carry binary data here: use the -o flag");
    }

    private sealed class NonClosingStream(Stream inner) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
        public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer);
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);
        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.WriteAsync(buffer, offset, count, cancellationToken);
    }
}
