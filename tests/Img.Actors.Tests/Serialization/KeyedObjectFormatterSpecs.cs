using System.Reflection;
using Img.Engine.Graph;
using Img.Engine.Solver;
using Img.Messages.Builds;
using Img.Messages.Serialization;
using MessagePack;
using MessagePack.Formatters;

namespace Img.Actors.Tests.Serialization;

/// <summary>
/// The keyed-object formatter on shapes today's messages do not have yet (key gaps, enums of other
/// widths, nullables, dictionaries, structs with fields, init-only properties, callbacks), against
/// MessagePack's generated formatter for the same type, so the next message that uses one is safe.
/// </summary>
public class KeyedObjectFormatterSpecs
{
    public static TheoryData<string> Shapes() =>
        [nameof(Gappy), nameof(AllShapes), nameof(FieldStruct), nameof(InitOnly), nameof(Nullables), nameof(OutOfOrder), nameof(NoKeys), nameof(WithMemberFormatter)];

    [Theory]
    [MemberData(nameof(Shapes))]
    public void WritesWhatMessagePacksObjectResolverWrites(string name)
    {
        var type = Fixture(name);
        var sample = MessageSamples.Create(type);

        Assert.Equal(Hex(type, sample, ReferenceResolver.Options), Hex(type, sample, ImgResolver.Options));
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void RoundTrips(string name)
    {
        var type = Fixture(name);
        var sample = MessageSamples.Create(type);
        var bytes = MessagePackSerializer.Serialize(type, sample, ImgResolver.Options);

        var back = MessagePackSerializer.Deserialize(type, bytes, ImgResolver.Options)!;

        Assert.Equal(Convert.ToHexString(bytes), Hex(type, back, ImgResolver.Options));
        if (MessageSamples.ComparesByValue(type))
            Assert.Equal(sample, back);
    }

    [Fact]
    public void NullsAreWrittenAsNilLikeMessagePackDoes()
    {
        var empty = new Nullables(null, null, null, null, null, null);

        Assert.Equal(Hex(typeof(Nullables), empty, ReferenceResolver.Options), Hex(typeof(Nullables), empty, ImgResolver.Options));
        Assert.Equal(empty, MessagePackSerializer.Deserialize<Nullables>(MessagePackSerializer.Serialize(empty, ImgResolver.Options), ImgResolver.Options));
        Assert.Equal([0xc0], MessagePackSerializer.Serialize<Gappy?>(null, ImgResolver.Options));
        Assert.Null(MessagePackSerializer.Deserialize<Gappy?>(new byte[] { 0xc0 }, ImgResolver.Options));
    }

    [Fact]
    public void ConstructorParametersArePairedWithMembersByName()
    {
        var bytes = MessagePackSerializer.Serialize(new OutOfOrder("second", "first"), ImgResolver.Options);

        Assert.Equal(new OutOfOrder("second", "first"), MessagePackSerializer.Deserialize<OutOfOrder>(bytes, ImgResolver.Options));
    }

    [Fact]
    public void ACallbackReceiverHearsBeforeWritingAndAfterReading()
    {
        var value = new Counting { Value = 5 };
        var bytes = MessagePackSerializer.Serialize(value, ImgResolver.Options);
        var back = MessagePackSerializer.Deserialize<Counting>(bytes, ImgResolver.Options);

        Assert.Equal((1, 0), (value.Before, value.After));
        Assert.Equal((5, 0, 1), (back.Value, back.Before, back.After));
    }

    [Fact]
    public void NilIsNoStruct()
    {
        var e = Assert.Throws<MessagePackSerializationException>(() => MessagePackSerializer.Deserialize<FieldStruct>(new byte[] { 0xc0 }, ImgResolver.Options));
        Assert.Contains($"{typeof(FieldStruct).FullName} is a struct", e.GetBaseException().Message);
    }

    [Theory]
    [InlineData(nameof(StringKeyed), "StringKeyed member A has a string or negative key")]
    [InlineData(nameof(PropertyNames), "PropertyNames uses [MessagePackObject(keyAsPropertyName: true)]")]
    [InlineData(nameof(MissingKey), "MissingKey member B has no [Key]")]
    [InlineData(nameof(TwiceKeyed), "TwiceKeyed gives [Key(0)] to both A and B")]
    [InlineData(nameof(BadMemberFormatter), "BadMemberFormatter.Name: [MessagePackFormatter(MessagePack.Formatters.Int32Formatter)] is not an IMessagePackFormatter<System.String>")]
    [InlineData(nameof(NoMatchingConstructor), "NoMatchingConstructor has no public constructor whose parameters all name readable [Key] members")]
    public void AContractImgDoesNotSupportFailsWithItsReason(string name, string reason)
    {
        var resolve = typeof(ImgResolver).GetMethod(nameof(ImgResolver.GetFormatter))!.MakeGenericMethod(Fixture(name));

        var e = Assert.Throws<TargetInvocationException>(() => resolve.Invoke(ImgResolver.Instance, null));

        var problem = Assert.IsType<MessagePackSerializationException>(e.GetBaseException());
        Assert.Contains(reason, problem.Message);
    }

    private static Type Fixture(string name) => typeof(KeyedObjectFormatterSpecs).GetNestedType(name)!;

    private static string Hex(Type type, object value, MessagePackSerializerOptions options) =>
        Convert.ToHexString(MessagePackSerializer.Serialize(type, value, options));

    public enum Small : byte
    {
        None,
        One,
        Two,
    }

    public enum Wide : long
    {
        None = 0,
        Far = 1L << 40,
        Farther = 1L << 41,
    }

    [MessagePackObject]
    public sealed record Gappy([property: Key(0)] string A, [property: Key(3)] int B, [property: Key(5)] Small C);

    [MessagePackObject]
    public sealed record AllShapes(
        [property: Key(0)] double Ratio,
        [property: Key(1)] float Half,
        [property: Key(2)] Small? MaybeSmall,
        [property: Key(3)] long? MaybeLong,
        [property: Key(4)] IReadOnlyDictionary<string, int> Counts,
        [property: Key(5)] Dictionary<int, Gappy> ById,
        [property: Key(6)] List<Wide> Wides,
        [property: Key(7)] Gappy[] Gaps,
        [property: Key(8)] Gappy? Nested,
        [property: Key(9)] BuildId? MaybeBuild,
        [property: Key(10)] IReadOnlyList<string>? Names,
        [property: Key(11)] byte[] Bytes,
        [property: Key(12)] uint U,
        [property: Key(13)] short S,
        [property: Key(14)] sbyte Sb,
        [property: Key(15)] ushort Us,
        [property: Key(16)] ulong Ul,
        [property: Key(17)] char Ch,
        [property: Key(18)] bool Flag,
        [property: Key(19)] IList<CacheKey> Keys,
        [property: Key(20)] IDictionary<string, OpDigest?> Digests,
        [property: Key(21)] IReadOnlyCollection<VertexLogStream> Streams,
        [property: Key(22)] ICollection<FieldStruct> Structs);

    [MessagePackObject]
    public struct FieldStruct
    {
        [Key(0)]
        public int X;

        [Key(1)]
        public string? Y;

        [Key(3)]
        public Small Z;
    }

    [MessagePackObject]
    public sealed record InitOnly
    {
        [Key(0)]
        public string Name { get; init; } = "";

        [Key(2)]
        public int Size { get; set; }

        [IgnoreMember]
        public int Twice => Size * 2;
    }

    [MessagePackObject]
    public sealed record Nullables(
        [property: Key(0)] Gappy? Nested,
        [property: Key(1)] IReadOnlyList<string>? Names,
        [property: Key(2)] string? Text,
        [property: Key(3)] BuildId? Build,
        [property: Key(4)] byte[]? Bytes,
        [property: Key(5)] Small? Small);

    [MessagePackObject]
    public sealed record OutOfOrder([property: Key(1)] string Second, [property: Key(0)] string First);

    [MessagePackObject]
    public sealed record NoKeys;

    [MessagePackObject]
    public sealed class Counting : IMessagePackSerializationCallbackReceiver
    {
        [Key(0)]
        public int Value { get; set; }

        [IgnoreMember]
        public int Before { get; private set; }

        [IgnoreMember]
        public int After { get; private set; }

        public void OnBeforeSerialize() => Before++;

        public void OnAfterDeserialize() => After++;
    }

    [MessagePackObject]
    public sealed record WithMemberFormatter([property: Key(0), MessagePackFormatter(typeof(ReversedString))] string Name, [property: Key(1)] string Plain);

    /// <summary>A member formatter whose bytes differ from the default string formatter's, so using it shows.</summary>
    public sealed class ReversedString : IMessagePackFormatter<string>
    {
        public void Serialize(ref MessagePackWriter writer, string value, MessagePackSerializerOptions options) => writer.Write(new string(value.Reverse().ToArray()));

        public string Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) => new(reader.ReadString()!.Reverse().ToArray());
    }

    [MessagePackObject]
    public sealed record BadMemberFormatter([property: Key(0), MessagePackFormatter(typeof(Int32Formatter))] string Name);

    [MessagePackObject]
    public sealed record StringKeyed([property: Key("a")] string A);

    [MessagePackObject(keyAsPropertyName: true)]
    public sealed record PropertyNames(string A);

    [MessagePackObject]
    public sealed class MissingKey
    {
        [Key(0)]
        public int A { get; set; }

        public int B { get; set; }
    }

    [MessagePackObject]
    public sealed record TwiceKeyed([property: Key(0)] string A, [property: Key(0)] string B);

    [MessagePackObject]
    public sealed class NoMatchingConstructor(int other)
    {
        [Key(0)]
        public int A { get; } = other;
    }
}
