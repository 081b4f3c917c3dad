using System.Reflection;
using Akka.Configuration;
using Img.Coordinator.Hosting;
using Img.Messages;
using Img.Messages.Hosting;
using Img.Messages.Serialization;
using MessagePack;

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
            .Where(p => !p.IsDefined(typeof(IgnoreMemberAttribute)))
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
        var message = MessageSamples.Create(type);
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

    [Fact]
    public void AnUnknownUnionTagIsAClearError()
    {
        var bytes = MessagePackSerializer.Serialize(new object[] { 9999, new object[] { "x" } });
        var e = Assert.Throws<MessagePackSerializationException>(() => MessagePackSerializer.Deserialize<IImgMessage>(bytes, ImgResolver.Options));
        Assert.Contains("unknown IImgMessage tag 9999", e.ToString());
    }
}
