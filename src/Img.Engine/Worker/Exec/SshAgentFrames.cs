using System.Buffers.Binary;

namespace Img.Engine.Worker.Exec;

/// <summary>
/// The ssh agent protocol's framing (draft-miller-ssh-agent): a 4-byte big-endian length, then that
/// many bytes. Frames are bounded as OpenSSH's agent bounds them, so a step cannot make the node
/// buffer without limit.
/// </summary>
public static class SshAgentFrames
{
    /// <summary>OpenSSH's AGENT_MAX_LEN.</summary>
    public const int MaxMessageBytes = 256 * 1024;

    /// <summary>One whole frame (length included), or null when the stream ended between frames.</summary>
    /// <exception cref="InvalidDataException">A frame longer than <see cref="MaxMessageBytes"/>, or cut short.</exception>
    public static async Task<byte[]?> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var head = new byte[4];
        var read = await stream.ReadAtLeastAsync(head, 4, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (read == 0)
            return null;
        if (read < 4)
            throw new InvalidDataException("an ssh agent message was cut short");
        var length = BinaryPrimitives.ReadUInt32BigEndian(head);
        if (length > MaxMessageBytes)
            throw new InvalidDataException($"an ssh agent message of {length} bytes is larger than {MaxMessageBytes}");
        var frame = new byte[4 + length];
        head.CopyTo(frame, 0);
        await stream.ReadExactlyAsync(frame.AsMemory(4), cancellationToken).ConfigureAwait(false);
        return frame;
    }
}
