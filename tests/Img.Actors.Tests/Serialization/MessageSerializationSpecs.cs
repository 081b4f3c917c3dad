using Img.Messages.Hosting;
using System.Reflection;
using Akka.Configuration;
using Img.Coordinator.Hosting;
using Img.Engine.Content;
using Img.Engine.Graph;
using Img.Engine.Oci;
using Img.Engine.Solver;
using Img.Messages;
using Img.Messages.Builds;
using Img.Messages.Cache.Queries;
using Img.Messages.Serialization;
using MessagePack;
using MessagePack.Formatters;

namespace Img.Actors.Tests.Serialization;

public class MessageSerializationSpecs() : Akka.TestKit.Xunit2.TestKit(ConfigurationFactory.ParseString(ImgActorSystem.ReadHocon("serialization.conf")))
{
    public static TheoryData<string> MessageTypes()
    {
        var data = new TheoryData<string>();
        foreach (var t in AllMessageTypes())
            data.Add(t.FullName!);
        return data;
    }

    private static IEnumerable<Type> AllMessageTypes() =>
        typeof(IImgMessage).Assembly.GetTypes()
            .Where(t => typeof(IImgMessage).IsAssignableFrom(t) && t is { IsInterface: false, IsAbstract: false })
            .OrderBy(t => t.FullName, StringComparer.Ordinal);

    [Fact]
    public void ThereAreMessagesToTest() => Assert.True(AllMessageTypes().Count() >= 25);

    [Theory]
    [MemberData(nameof(MessageTypes))]
    public void EveryMessageIsKeyedAndInItsUnions(string typeName)
    {
        var type = typeof(IImgMessage).Assembly.GetType(typeName)!;
        Assert.NotNull(type.GetCustomAttribute<MessagePackObjectAttribute>());
        var keys = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => p.GetCustomAttribute<KeyAttribute>() ?? throw new Xunit.Sdk.XunitException($"{type.Name}.{p.Name} has no [Key]"))
            .Select(k => k.IntKey ?? throw new Xunit.Sdk.XunitException($"{type.Name} uses string keys"))
            .Order()
            .ToArray();
        Assert.Equal(Enumerable.Range(0, keys.Length), keys);

        var rootUnion = typeof(IImgMessage).GetCustomAttributes<UnionAttribute>().Where(u => u.SubType == type).ToArray();
        Assert.Single(rootUnion);
        var markers = type.GetInterfaces().Where(i => i != typeof(IImgMessage) && typeof(IImgMessage).IsAssignableFrom(i)).ToArray();
        var marker = Assert.Single(markers);
        Assert.Single(marker.GetCustomAttributes<UnionAttribute>(), u => u.SubType == type);
    }

    [Fact]
    public void UnionTagsAreUnique()
    {
        var tags = typeof(IImgMessage).GetCustomAttributes<UnionAttribute>().Select(u => u.Key).ToArray();
        Assert.Equal(tags.Length, tags.Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(MessageTypes))]
    public void EveryMessageRoundTripsThroughTheAkkaSerializer(string typeName)
    {
        var type = typeof(IImgMessage).Assembly.GetType(typeName)!;
        var message = Sample(type);
        var serializer = Sys.Serialization.FindSerializerFor(message);
        Assert.IsType<ImgMessagePackSerializer>(serializer);
        Assert.Equal(ImgMessagePackSerializer.Id, serializer.Identifier);

        var bytes = serializer.ToBinary(message);
        var back = serializer.FromBinary(bytes, type);

        Assert.IsType(type, back);
        Assert.Equal(bytes, serializer.ToBinary(back));
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var expected = p.GetValue(message);
            var actual = p.GetValue(back);
            if (expected is string || expected?.GetType().IsValueType == true)
                Assert.Equal(expected, actual);
        }
        Assert.True(bytes.Length < 4_000, $"{type.Name}: {bytes.Length} bytes");
    }

    /// <summary>
    /// The union and <c>VertexRecorded</c> formatters are hand-written for start-up time; journals
    /// already hold bytes from MessagePack's generated ones, so both must agree byte for byte.
    /// </summary>
    [Theory]
    [MemberData(nameof(MessageTypes))]
    public void HandWrittenFormattersWriteWhatMessagePackGenerates(string typeName)
    {
        var type = typeof(IImgMessage).Assembly.GetType(typeName)!;
        var message = (IImgMessage)Sample(type);
        var generated = MessagePackSerializerOptions.Standard.WithResolver(new GeneratedResolver());

        var ours = MessagePackSerializer.Serialize(message, ImgResolver.Options);
        var theirs = MessagePackSerializer.Serialize(message, generated);

        Assert.Equal(theirs, ours);
        Assert.IsType(type, MessagePackSerializer.Deserialize<IImgMessage>(theirs, ImgResolver.Options));
    }

    [Fact]
    public void AnUnknownUnionTagIsAClearError()
    {
        var bytes = MessagePackSerializer.Serialize(new object[] { 9999, new object[] { "x" } });
        var e = Assert.Throws<MessagePackSerializationException>(() => MessagePackSerializer.Deserialize<IImgMessage>(bytes, ImgResolver.Options));
        Assert.Contains("unknown IImgMessage tag 9999", e.ToString());
    }

    /// <summary>img's formatters for engine types, MessagePack's generated ones for everything else (the union included).</summary>
    private sealed class GeneratedResolver : IFormatterResolver
    {
        public IMessagePackFormatter<T>? GetFormatter<T>()
        {
            var t = typeof(T);
            return t == typeof(CacheKey) || t == typeof(OpDigest) || t == typeof(Digest) || t == typeof(Descriptor) || t == typeof(CacheResult)
                ? ImgResolver.Instance.GetFormatter<T>()
                : MessagePack.Resolvers.StandardResolver.Instance.GetFormatter<T>();
        }
    }

    private static readonly CacheResult SampleResult = new(
        "snap-1",
        new Descriptor { MediaType = MediaTypes.OciLayerGzip, Digest = "sha256:" + new string('c', 64), Size = 1234 },
        Digest.Parse("sha256:" + new string('d', 64)),
        new Descriptor { MediaType = MediaTypes.OciManifest, Digest = "sha256:" + new string('e', 64), Size = 99, Annotations = new Dictionary<string, string> { ["k"] = "v" } },
        "http://127.0.0.1:9999");

    private static object Sample(Type type)
    {
        var ctor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        return ctor.Invoke(ctor.GetParameters().Select(p => Value(p.ParameterType, p.Name!)).ToArray());
    }

    private static object Value(Type t, string name)
    {
        if (t == typeof(string)) return "value of " + name;
        if (t == typeof(int)) return 7;
        if (t == typeof(long)) return 42L;
        if (t == typeof(bool)) return true;
        if (t == typeof(byte[])) return new byte[] { 1, 2, 3 };
        if (t == typeof(BuildId)) return new BuildId("build-1");
        if (t == typeof(OpDigest) || t == typeof(OpDigest?)) return new OpDigest("sha256:" + new string('a', 64));
        if (t == typeof(CacheKey)) return new CacheKey("sha256:" + new string('b', 64));
        if (t == typeof(CacheResult)) return SampleResult;
        if (t == typeof(IReadOnlyList<CacheResult>)) return new[] { SampleResult, new CacheResult("snap-2") };
        if (t == typeof(IReadOnlyList<CacheRecord>)) return new[] { new CacheRecord(new CacheKey("sha256:" + new string('b', 64)), SampleResult, 1_700_000_000_000) };
        if (t.IsEnum) return Enum.GetValues(t).Cast<object>().Last();
        throw new Xunit.Sdk.XunitException($"no sample value for {t} ({name}): add one here");
    }
}
