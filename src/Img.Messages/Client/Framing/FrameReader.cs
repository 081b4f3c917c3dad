using System.Buffers.Binary;
using Img.Messages.Serialization;
using MessagePack;

namespace Img.Messages.Client.Framing;

/// <summary>
/// Reads the frames <see cref="FrameWriter"/> writes. A frame longer than
/// <see cref="MaxFrameBytes"/>, or one that is not an img message, ends the connection with
/// <see cref="InvalidDataException"/>: the peer is not speaking this protocol.
/// </summary>
public sealed class FrameReader(Stream stream)
{
    /// <summary>The largest frame either side accepts (graphs and listings travel in one frame; blobs in chunks).</summary>
    public const int MaxFrameBytes = 64 * 1024 * 1024;

    private readonly byte[] _header = new byte[4];

    /// <summary>The next message, or null at the end of the stream.</summary>
    public async Task<IImgMessage?> ReadAsync(CancellationToken cancellationToken = default)
    {
        if (!await FillAsync(_header, cancellationToken).ConfigureAwait(false))
            return null;
        var length = BinaryPrimitives.ReadInt32BigEndian(_header);
        if (length <= 0 || length > MaxFrameBytes)
            throw new InvalidDataException($"a frame of {length} bytes (at most {MaxFrameBytes}): not the img client protocol");
        var body = new byte[length];
        if (!await FillAsync(body, cancellationToken).ConfigureAwait(false))
            throw new EndOfStreamException("the connection closed in the middle of a frame");
        try
        {
            return MessagePackSerializer.Deserialize<IImgMessage>(body, ImgResolver.Options, cancellationToken)
                ?? throw new InvalidDataException("an empty frame");
        }
        catch (MessagePackSerializationException e)
        {
            throw new InvalidDataException("a frame that is not an img message: " + e.Message, e);
        }
    }

    private async Task<bool> FillAsync(byte[] buffer, CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                if (read == 0)
                    return false;
                throw new EndOfStreamException("the connection closed in the middle of a frame");
            }
            read += n;
        }
        return true;
    }
}
