using Img.Engine.Graph;
using Img.Engine.RemoteCache;
using Img.Messages.Builds;
using MessagePack;

namespace Img.Messages.Serialization;

/// <summary>
/// Never called. <see cref="KeyedMember{T}.Bind"/> closes <see cref="TypedKeyedMember{T, TMember}"/>
/// at run time, which ReadyToRun cannot see: naming the shapes messages use here (members of a
/// class message, of reference type or of these value types) makes crossgen2 put their code in
/// the image, so a client's first messages are not JIT-compiled (about 120 methods at start-up).
/// </summary>
internal static class PrecompiledMemberShapes
{
    internal static void Root()
    {
        Shape<object>();
        Shape<int>();
        Shape<long>();
        Shape<bool>();
        Shape<BuildId>();
        Shape<OpDigest>();
        Shape<CacheExportMode>();
    }

    private static void Shape<TMember>()
    {
        var member = new TypedKeyedMember<object, TMember>(null!, 0);
        var writer = default(MessagePackWriter);
        var reader = default(MessagePackReader);
        object value = null!;
        member.Write(ref writer, ref value, null!);
        member.Read(ref reader, null!);
        member.Assign(value, null);
        _ = (member.Type, member.IsReadable, member.IsWritable);
    }
}
