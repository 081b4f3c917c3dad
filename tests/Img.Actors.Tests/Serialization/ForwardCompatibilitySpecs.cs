using System.Buffers;
using Img.Messages;
using Img.Messages.Builds;
using Img.Messages.Serialization;
using MessagePack;

namespace Img.Actors.Tests.Serialization;

/// <summary>
/// Keys are append-only, so a message from a newer img may carry elements this one does not know
/// (skipped); one with fewer elements than this img writes is damaged and fails with a message that
/// names the type, not with a half-defaulted message.
/// </summary>
public class ForwardCompatibilitySpecs
{
    public static TheoryData<string> Members() => MessageSamples.UnionMemberNames();

    [Theory]
    [MemberData(nameof(Members))]
    public void AnExtraTrailingElementFromANewerWriterIsSkipped(string typeName)
    {
        var message = (IImgMessage)MessageSamples.Create(MessageSamples.UnionMember(typeName));
        var bytes = MessagePackSerializer.Serialize(message, ImgResolver.Options);
        var (tag, count, elements) = Body(bytes);

        var newer = Union(tag, count + 1, (ref MessagePackWriter w) =>
        {
            w.WriteRaw(elements);
            w.WriteMapHeader(1);
            w.Write("added-later");
            w.WriteArrayHeader(2);
            w.Write(1);
            w.Write("two");
        });

        var back = MessagePackSerializer.Deserialize<IImgMessage>(newer, ImgResolver.Options);
        Assert.Equal(Convert.ToHexString(bytes), Convert.ToHexString(MessagePackSerializer.Serialize(back, ImgResolver.Options)));
    }

    [Theory]
    [MemberData(nameof(Members))]
    public void AMissingTrailingElementIsAClearError(string typeName)
    {
        var type = MessageSamples.UnionMember(typeName);
        var bytes = MessagePackSerializer.Serialize((IImgMessage)MessageSamples.Create(type), ImgResolver.Options);
        var (tag, count, elements) = Body(bytes);
        if (count == 0)
            return; // nothing to take away

        var truncated = Union(tag, count - 1, (ref MessagePackWriter w) => w.WriteRaw(WithoutLast(elements, count)));

        var e = Assert.Throws<MessagePackSerializationException>(() => MessagePackSerializer.Deserialize<IImgMessage>(truncated, ImgResolver.Options));
        Assert.Contains(type.Name, e.GetBaseException().Message);
        Assert.Contains($"found {count - 1}", e.GetBaseException().Message);
    }

    [Fact]
    public void ANewerVersionOfANestedRecordReadsAsTheOlderOne()
    {
        var newer = MessagePackSerializer.Serialize(new BuildIdV2("build-7", "added later", 3), ImgResolver.Options);

        Assert.Equal(new BuildId("build-7"), MessagePackSerializer.Deserialize<BuildId>(newer, ImgResolver.Options));
    }

    [Fact]
    public void AnEmptyArrayIsNoRecordWithKeys()
    {
        var e = Assert.Throws<MessagePackSerializationException>(() => MessagePackSerializer.Deserialize<BuildId>(new byte[] { 0x90 }, ImgResolver.Options));
        Assert.Equal("Img.Messages.Builds.BuildId needs 1 array elements (keys 0 to 0), found 0", e.GetBaseException().Message);
    }

    /// <summary>The tag, the element count and the raw elements of a union-written message.</summary>
    private static (int Tag, int Count, byte[] Elements) Body(byte[] bytes)
    {
        var reader = new MessagePackReader(bytes);
        Assert.Equal(2, reader.ReadArrayHeader());
        var tag = reader.ReadInt32();
        var count = reader.ReadArrayHeader();
        return (tag, count, reader.Sequence.Slice(reader.Position).ToArray());
    }

    private static byte[] WithoutLast(byte[] elements, int count)
    {
        var reader = new MessagePackReader(elements);
        for (var i = 0; i < count - 1; i++)
            reader.Skip();
        return reader.Sequence.Slice(0, reader.Position).ToArray();
    }

    private static byte[] Union(int tag, int count, WriteElements elements)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(2);
        writer.Write(tag);
        writer.WriteArrayHeader(count);
        elements(ref writer);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private delegate void WriteElements(ref MessagePackWriter writer);

    /// <summary><see cref="BuildId"/> as a later img might declare it, with keys appended.</summary>
    [MessagePackObject]
    public readonly record struct BuildIdV2([property: Key(0)] string Value, [property: Key(1)] string Region, [property: Key(2)] int Shard);
}
