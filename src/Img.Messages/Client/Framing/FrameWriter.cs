using System.Buffers.Binary;
using Img.Messages.Serialization;
using MessagePack;

namespace Img.Messages.Client.Framing;

/// <summary>
/// Writes <see cref="IImgMessage"/>s as frames: a 4-byte big-endian length, then the message in
/// the same MessagePack bytes Akka's serializer writes. One writer at a time (see
/// <see cref="FramedConnection"/>, which queues).
/// </summary>
public sealed class FrameWriter(Stream stream)
{
    private readonly byte[] _header = new byte[4];

    /// <exception cref="InvalidOperationException">The message is larger than a frame may be.</exception>
    public async Task WriteAsync(IImgMessage message, CancellationToken cancellationToken = default)
    {
        var body = MessagePackSerializer.Serialize(message, ImgResolver.Options, cancellationToken);
        if (body.Length > FrameReader.MaxFrameBytes)
            throw new InvalidOperationException($"a {message.GetType().Name} of {body.Length} bytes does not fit in a frame ({FrameReader.MaxFrameBytes} bytes at most)");
        BinaryPrimitives.WriteInt32BigEndian(_header, body.Length);
        await stream.WriteAsync(_header, cancellationToken).ConfigureAwait(false);
        await stream.WriteAsync(body, cancellationToken).ConfigureAwait(false);
    }

    public Task FlushAsync(CancellationToken cancellationToken = default) => stream.FlushAsync(cancellationToken);
}
