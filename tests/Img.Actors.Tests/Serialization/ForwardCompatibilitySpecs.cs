using System.Buffers;
using System.Reflection;
using Img.Engine.Solver;
using Img.Messages;
using Img.Messages.Builds;
using Img.Messages.Serialization;
using MessagePack;

namespace Img.Actors.Tests.Serialization;

/// <summary>
/// Keys are append-only, so a message from a newer img may carry elements this one does not know
/// (skipped), and one from an older img may lack trailing elements: read as their constructor
/// defaults where the record declares them, else an error that names the type rather than a
/// half-defaulted message.
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
    public void TrailingElementsWithConstructorDefaultsMayBeMissing(string typeName)
    {
        var type = MessageSamples.UnionMember(typeName);
        var (minimum, defaulted) = Trailing(type);
        if (defaulted.Count == 0)
            return; // every member is needed
        var bytes = MessagePackSerializer.Serialize((IImgMessage)MessageSamples.Create(type), ImgResolver.Options);
        var (tag, _, elements) = Body(bytes);

        var older = Union(tag, minimum, (ref MessagePackWriter w) => w.WriteRaw(First(elements, minimum)));

        var back = MessagePackSerializer.Deserialize<IImgMessage>(older, ImgResolver.Options);
        foreach (var (property, value) in defaulted)
            Assert.Equal(value, property.GetValue(back));
    }

    [Theory]
    [MemberData(nameof(Members))]
    public void AMissingElementWithoutADefaultIsAClearError(string typeName)
    {
        var type = MessageSamples.UnionMember(typeName);
        var (minimum, _) = Trailing(type);
        if (minimum == 0)
            return; // nothing is needed
        var bytes = MessagePackSerializer.Serialize((IImgMessage)MessageSamples.Create(type), ImgResolver.Options);
        var (tag, _, elements) = Body(bytes);

        var truncated = Union(tag, minimum - 1, (ref MessagePackWriter w) => w.WriteRaw(First(elements, minimum - 1)));

        var e = Assert.Throws<MessagePackSerializationException>(() => MessagePackSerializer.Deserialize<IImgMessage>(truncated, ImgResolver.Options));
        Assert.Contains(type.Name, e.GetBaseException().Message);
        Assert.Contains($"found {minimum - 1}", e.GetBaseException().Message);
    }

    [Fact]
    public void ANewerVersionOfANestedRecordReadsAsTheOlderOne()
    {
        var newer = MessagePackSerializer.Serialize(new BuildIdV2("build-7", "added later", 3), ImgResolver.Options);

        Assert.Equal(new BuildId("build-7"), MessagePackSerializer.Deserialize<BuildId>(newer, ImgResolver.Options));
    }

    [Fact]
    public void AnOlderWritersRecordReadsWithTheDeclaredDefaults()
    {
        var older = MessagePackSerializer.Serialize(new BuildId("build-7"), ImgResolver.Options);

        Assert.Equal(new Appended("build-7"), MessagePackSerializer.Deserialize<Appended>(older, ImgResolver.Options));
        var current = new Appended("build-7", 4, "west", VertexLogStream.Stdout, null);
        Assert.Equal(current, MessagePackSerializer.Deserialize<Appended>(MessagePackSerializer.Serialize(current, ImgResolver.Options), ImgResolver.Options));
    }

    [Fact]
    public void AnEmptyArrayIsNoRecordWithKeys()
    {
        var e = Assert.Throws<MessagePackSerializationException>(() => MessagePackSerializer.Deserialize<BuildId>(new byte[] { 0x90 }, ImgResolver.Options));
        Assert.Equal("Img.Messages.Builds.BuildId needs at least 1 array elements (keys 0 to 0), found 0", e.GetBaseException().Message);
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

    private static byte[] First(byte[] elements, int count)
    {
        var reader = new MessagePackReader(elements);
        for (var i = 0; i < count; i++)
            reader.Skip();
        return reader.Sequence.Slice(0, reader.Position).ToArray();
    }

    /// <summary>
    /// Found independently of the formatter: the keyed properties after the last one whose
    /// constructor parameter has no default (with those defaults), and how many elements that leaves.
    /// </summary>
    private static (int Minimum, List<(PropertyInfo Property, object? Default)> Defaulted) Trailing(Type type)
    {
        var parameters = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First().GetParameters();
        var keyed = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => (Property: p, Key: p.GetCustomAttribute<KeyAttribute>()?.IntKey))
            .Where(p => p.Key is not null)
            .OrderBy(p => p.Key)
            .ToList();
        var defaulted = new List<(PropertyInfo, object?)>();
        for (var i = keyed.Count - 1; i >= 0; i--)
        {
            var parameter = parameters.FirstOrDefault(p => p.Name == keyed[i].Property.Name);
            if (parameter is not { HasDefaultValue: true })
                return (keyed[i].Key!.Value + 1, defaulted);
            defaulted.Add((keyed[i].Property, parameter.DefaultValue));
        }
        return (0, defaulted);
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

    /// <summary>A record that gained keys 1 and 2 after it was first sent, with defaults for older writers.</summary>
    [MessagePackObject]
    public sealed record Appended(
        [property: Key(0)] string Value,
        [property: Key(1)] int Shards = 1,
        [property: Key(2)] string Region = "any",
        [property: Key(3)] VertexLogStream Stream = VertexLogStream.Stderr,
        [property: Key(4)] long? Limit = 9);

    /// <summary><see cref="BuildId"/> as a later img might declare it, with keys appended.</summary>
    [MessagePackObject]
    public readonly record struct BuildIdV2([property: Key(0)] string Value, [property: Key(1)] string Region, [property: Key(2)] int Shard);
}
