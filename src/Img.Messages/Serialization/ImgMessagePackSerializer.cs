using Akka.Actor;
using Akka.Serialization;
using MessagePack;

namespace Img.Messages.Serialization;

/// <summary>
/// The one Akka serializer of img, bound to <see cref="IImgMessage"/> in hocon/serialization.conf.
/// Writes every message through the <see cref="IImgMessage"/> union, so no manifest is needed;
/// the same bytes go over akka.remote and into the persistence journal.
/// </summary>
public sealed class ImgMessagePackSerializer : Serializer
{
    /// <summary>Fixed forever: journals store it next to every event.</summary>
    public const int Id = 4711;

    public ImgMessagePackSerializer(ExtendedActorSystem system)
        : base(system)
    {
    }

    public override int Identifier => Id;

    public override bool IncludeManifest => false;

    public override byte[] ToBinary(object obj) => obj is IImgMessage message
        ? MessagePackSerializer.Serialize(message, ImgResolver.Options)
        : throw new ArgumentException($"{obj.GetType()} is not an img message", nameof(obj));

    public override object FromBinary(byte[] bytes, Type type) =>
        MessagePackSerializer.Deserialize<IImgMessage>(bytes, ImgResolver.Options);
}
