using Img.Engine.Content;
using Img.Engine.Oci;
using Img.Engine.Solver;
using Img.Messages;
using Img.Messages.Serialization;
using Img.Messages.Vertices.Events;
using MessagePack;

namespace Img.Actors.Tests.Serialization;

/// <summary>
/// The journal's bytes, written down. Every cache record a user has is a <see cref="VertexRecorded"/>
/// stored with serializer <see cref="ImgMessagePackSerializer.Id"/>; a change that moves these
/// bytes makes existing journals unreadable or different. When that is intended (a key appended,
/// never renumbered), update the values in the same commit and say so; the old bytes must still read.
/// </summary>
public sealed class JournalEncodingSpecs
{
    private const string MinimalHex =
        "920d92d9477368613235363a3131313131313131313131313131313131313131313131313131313131313131313131313131313131313131313131313131313131313131313131313131313195af6275696c642d313131312d61626364c0c0c0a0";

    private const string FullHex =
        "920d92d9477368613235363a3131313131313131313131313131313131313131313131313131313131313131313131313131313131313131313131313131313131313131313131313131313195af6275696c642d313131312d61626364c49e7b226d6564696154797065223a226170706c69636174696f6e2f766e642e6f63692e696d6167652e6c617965722e76312e7461725c7530303242677a6970222c22646967657374223a227368613235363a32323232323232323232323232323232323232323232323232323232323232323232323232323232323232323232323232323232323232323232323232323232222c2273697a65223a3134307dd9477368613235363a33333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333c49e7b226d6564696154797065223a226170706c69636174696f6e2f766e642e6f63692e696d6167652e6d616e69666573742e76315c75303032426a736f6e222c22646967657374223a227368613235363a34343434343434343434343434343434343434343434343434343434343434343434343434343434343434343434343434343434343434343434343434343434222c2273697a65223a313130397da66e6f64652d61";

    private static readonly CacheKey Key = new("sha256:" + new string('1', 64));

    private static readonly VertexRecorded Minimal = new(Key, new CacheResult("build-1111-abcd"));

    private static readonly VertexRecorded Full = new(Key, new CacheResult(
        "build-1111-abcd",
        Layer: new Descriptor { MediaType = MediaTypes.OciLayerGzip, Digest = "sha256:" + new string('2', 64), Size = 140 },
        DiffId: Digest.Parse("sha256:" + new string('3', 64)),
        Image: new Descriptor { MediaType = MediaTypes.OciManifest, Digest = "sha256:" + new string('4', 64), Size = 1109 },
        Location: "node-a"));

    [Fact]
    public void The_serializer_id_is_fixed() => Assert.Equal(4711, ImgMessagePackSerializer.Id);

    [Theory]
    [InlineData(false, MinimalHex)]
    [InlineData(true, FullHex)]
    public void VertexRecorded_bytes_are_pinned_and_read_back(bool full, string hex)
    {
        var recorded = full ? Full : Minimal;
        Assert.Equal(hex, Convert.ToHexStringLower(MessagePackSerializer.Serialize<IImgMessage>(recorded, ImgResolver.Options)));
        Assert.Equal(recorded, MessagePackSerializer.Deserialize<IImgMessage>(Convert.FromHexString(hex), ImgResolver.Options));
    }
}
