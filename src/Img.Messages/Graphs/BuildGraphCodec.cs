using System.Buffers;
using System.Text.Json;
using Img.Engine.Graph;
using MessagePack;

namespace Img.Messages.Graphs;

/// <summary>
/// The wire form of build graphs and single vertices: MessagePack arrays. An op is written as its
/// kind then its fields in the order its schema declares them (<see cref="OpSchema{T}"/>, the same
/// declaration the op digest follows; <see cref="WireFieldWriter"/> gives each shape its bytes).
/// Decoding recomputes every op digest and refuses bytes whose digests do not match. Graphs
/// travel in <c>StartBuild</c>, one vertex in <c>SolveVertex</c>/<c>RunVertex</c>.
/// </summary>
public static class BuildGraphCodec
{
    private const int Version = 2; // 2: export SOURCE_DATE_EPOCH, mkdir created time

    public static byte[] Encode(BuildGraph graph)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var w = new WireFieldWriter(buffer);
        w.ArrayHeader(3);
        w.Int32("version", Version);
        w.String(graph.Target.Digest.Value);
        w.ArrayHeader(graph.Vertices.Count);
        foreach (var vertex in graph.Vertices)
            WriteVertex(w, vertex);
        return buffer.WrittenSpan.ToArray();
    }

    /// <exception cref="InvalidDataException">The bytes are not a graph, or a digest does not match.</exception>
    public static BuildGraph Decode(ReadOnlyMemory<byte> bytes) => Guard(() =>
    {
        var r = new WireFieldReader(bytes);
        WireFieldReader.Expect(r.ArrayHeader() == 3, "graph header");
        WireFieldReader.Expect(r.Int32("version") == Version, "graph version");
        var target = new OpDigest(r.String());
        var count = r.ArrayHeader();
        var builder = new BuildGraphBuilder();
        for (var n = 0; n < count; n++)
        {
            var vertex = ReadVertex(r);
            builder.Add(vertex.Op, vertex.Metadata);
        }
        return builder.Build(target);
    });

    public static byte[] EncodeVertex(BuildVertex vertex)
    {
        var buffer = new ArrayBufferWriter<byte>();
        WriteVertex(new WireFieldWriter(buffer), vertex);
        return buffer.WrittenSpan.ToArray();
    }

    /// <exception cref="InvalidDataException">The bytes are not a vertex, or its digest does not match.</exception>
    public static BuildVertex DecodeVertex(ReadOnlyMemory<byte> bytes) => Guard(() => ReadVertex(new WireFieldReader(bytes)));

    private static T Guard<T>(Func<T> decode)
    {
        try
        {
            return decode();
        }
        catch (Exception e) when (e is MessagePackSerializationException or EndOfStreamException or JsonException or InvalidOperationException)
        {
            throw new InvalidDataException("malformed build graph bytes: " + e.Message, e);
        }
    }

    /// <summary>[digest, kind, [fields...], [metadata...]].</summary>
    private static void WriteVertex(WireFieldWriter w, BuildVertex vertex)
    {
        var schema = BuildOp.Kinds.For(vertex.Op);
        w.ArrayHeader(4);
        w.String(vertex.Digest.Value);
        w.String(schema.Kind);
        w.ArrayHeader(schema.StoredFieldCount);
        schema.Write(vertex.Op, w);
        var md = vertex.Metadata;
        w.ArrayHeader(5);
        w.String(md.Description);
        w.String(md.StageName);
        w.Bool("ignoreCache", md.IgnoreCache);
        w.Int32("line", md.Line);
        w.OptionalString("progressGroup", md.ProgressGroup);
    }

    private static BuildVertex ReadVertex(WireFieldReader r)
    {
        WireFieldReader.Expect(r.ArrayHeader() == 4, "vertex header");
        var digest = new OpDigest(r.String());
        var kind = r.String();
        if (!BuildOp.Kinds.TryFind(kind, out var schema))
            throw new InvalidDataException($"unknown op kind '{kind}'");
        WireFieldReader.Expect(r.ArrayHeader() == schema.StoredFieldCount, $"{kind} fields");
        var op = (BuildOp)schema.Read(r);
        WireFieldReader.Expect(r.ArrayHeader() == 5, "metadata header");
        var metadata = new OpMetadata(r.String(), r.String(), r.Bool("ignoreCache"), r.Int32("line")) { ProgressGroup = r.OptionalString("progressGroup") };
        var computed = op.ComputeDigest();
        if (computed != digest)
            throw new InvalidDataException($"vertex {digest} decodes to a {kind} op with digest {computed}");
        return new BuildVertex(digest, op, metadata);
    }
}
