using System.ComponentModel;
using System.Diagnostics;

namespace Img.Engine.Archive;

/// <summary>
/// Decompresses through a program (<c>bzip2 -dc</c>, <c>xz -dc</c>): the compressed bytes are
/// written to its standard input by a background pump, the plain bytes are read from its
/// standard output. A non-zero exit surfaces as an <see cref="InvalidDataException"/> at the end
/// of the stream; disposing kills a program still running.
/// </summary>
internal sealed class ExternalDecompressionStream : Stream
{
    private readonly Process _process;
    private readonly Stream _output;
    private readonly Task _pump;
    private readonly Task<string> _stderr;
    private readonly string _program;
    private readonly CancellationTokenSource _cancel = new();
    private bool _finished;
    private long _position;

    private ExternalDecompressionStream(Process process, Stream source, bool leaveOpen, string program)
    {
        _process = process;
        _program = program;
        _output = process.StandardOutput.BaseStream;
        _stderr = process.StandardError.ReadToEndAsync();
        _pump = PumpAsync(source, process.StandardInput.BaseStream, leaveOpen, _cancel.Token);
    }

    /// <summary>Starts <paramref name="program"/> with <c>-dc</c> over <paramref name="source"/>.</summary>
    /// <exception cref="NotSupportedException">The program is not installed.</exception>
    public static ExternalDecompressionStream Start(Stream source, bool leaveOpen, string program, string debianPackage)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-dc");
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new NotSupportedException($"could not start {program}");
        }
        catch (Win32Exception e)
        {
            throw new NotSupportedException(
                $"{program}-compressed data needs the {program} program (Debian package {debianPackage}): {e.Message}", e);
        }
        return new ExternalDecompressionStream(process, source, leaveOpen, program);
    }

    private static async Task PumpAsync(Stream source, Stream stdin, bool leaveOpen, CancellationToken ct)
    {
        try
        {
            await source.CopyToAsync(stdin, 81920, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            // The program exited early (bad data) or we were disposed: the exit code tells.
        }
        finally
        {
            try
            {
                await stdin.DisposeAsync().ConfigureAwait(false);
            }
            catch (IOException)
            {
                // Broken pipe after an early exit.
            }
            if (!leaveOpen) await source.DisposeAsync().ConfigureAwait(false);
        }
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_finished || buffer.IsEmpty) return 0;
        int n = _output.Read(buffer);
        if (n == 0) Finish();
        _position += n;
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_finished || buffer.IsEmpty) return 0;
        int n = await _output.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (n == 0) Finish();
        _position += n;
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private void Finish()
    {
        _finished = true;
        _process.WaitForExit();
        if (_process.ExitCode != 0)
        {
            string message = _stderr.GetAwaiter().GetResult().Trim();
            throw new InvalidDataException($"{_program} -dc exited with {_process.ExitCode}: {message}");
        }
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _cancel.Cancel();
            try
            {
                if (!_process.HasExited) _process.Kill();
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
            try
            {
                _pump.GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
            {
                // Best effort: the pump only feeds a program that is gone.
            }
            _process.Dispose();
            _cancel.Dispose();
        }
        base.Dispose(disposing);
    }
}
