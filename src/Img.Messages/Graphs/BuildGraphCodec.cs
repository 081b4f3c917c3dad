using System.Buffers;
using System.Text.Json;
using Img.Engine.Diff;
using Img.Engine.Graph;
using Img.Engine.Oci;
using MessagePack;

namespace Img.Messages.Graphs;

/// <summary>
/// The wire form of build graphs and single vertices: MessagePack arrays, fields in the order
/// of each op's canonical encoding, image configs and platforms as their OCI JSON. Decoding
/// recomputes every op digest and refuses bytes whose digests do not match, so a field the codec
/// forgot can never silently change what runs. Graphs travel in <c>StartBuild</c>, one vertex
/// in <c>SolveVertex</c>/<c>RunVertex</c>.
/// </summary>
public static class BuildGraphCodec
{
    private const int Version = 2; // 2: export SOURCE_DATE_EPOCH, mkdir created time

    public static byte[] Encode(BuildGraph graph)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var w = new MessagePackWriter(buffer);
        w.WriteArrayHeader(3);
        w.Write(Version);
        w.Write(graph.Target.Digest.Value);
        w.WriteArrayHeader(graph.Vertices.Count);
        foreach (var vertex in graph.Vertices)
            WriteVertex(ref w, vertex);
        w.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <exception cref="InvalidDataException">The bytes are not a graph, or a digest does not match.</exception>
    public static BuildGraph Decode(ReadOnlyMemory<byte> bytes) => Guard(() => DecodeGraph(bytes));

    private static BuildGraph DecodeGraph(ReadOnlyMemory<byte> bytes)
    {
        var r = new MessagePackReader(bytes);
        Expect(r.ReadArrayHeader() == 3, "graph header");
        Expect(r.ReadInt32() == Version, "graph version");
        var target = new OpDigest(ReadString(ref r));
        var count = r.ReadArrayHeader();
        var builder = new BuildGraphBuilder();
        for (var n = 0; n < count; n++)
        {
            var vertex = ReadVertex(ref r);
            builder.Add(vertex.Op, vertex.Metadata);
        }
        return builder.Build(target);
    }

    public static byte[] EncodeVertex(BuildVertex vertex)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var w = new MessagePackWriter(buffer);
        WriteVertex(ref w, vertex);
        w.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <exception cref="InvalidDataException">The bytes are not a vertex, or its digest does not match.</exception>
    public static BuildVertex DecodeVertex(ReadOnlyMemory<byte> bytes) => Guard(() =>
    {
        var r = new MessagePackReader(bytes);
        return ReadVertex(ref r);
    });

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

    private static void WriteVertex(ref MessagePackWriter w, BuildVertex vertex)
    {
        w.WriteArrayHeader(4);
        w.Write(vertex.Digest.Value);
        w.Write(vertex.Op.Kind);
        switch (vertex.Op)
        {
            case SourceOp s:
                w.WriteArrayHeader(9);
                w.Write((int)s.SourceKind);
                w.Write(s.Identifier);
                WriteJson(ref w, s.Platform);
                WriteStrings(ref w, s.FollowPaths);
                WriteStrings(ref w, s.IncludePatterns);
                WriteStrings(ref w, s.ExcludePatterns);
                w.Write(s.Checksum);
                w.Write(s.Filename);
                w.Write(s.KeepGitDir);
                break;
            case ExecOp e:
                w.WriteArrayHeader(8);
                WriteInput(ref w, e.Root);
                WriteStrings(ref w, e.Args);
                WriteStrings(ref w, e.Env);
                w.Write(e.Cwd);
                w.Write(e.User);
                w.Write((int)e.Network);
                w.Write((int)e.Security);
                w.WriteArrayHeader(e.Mounts.Count);
                foreach (var m in e.Mounts)
                    WriteMount(ref w, m);
                break;
            case FileOp f:
                w.WriteArrayHeader(2);
                WriteInput(ref w, f.Base);
                w.WriteArrayHeader(f.Actions.Count);
                foreach (var a in f.Actions)
                    WriteAction(ref w, a);
                break;
            case MergeOp m:
                w.WriteArrayHeader(1);
                w.WriteArrayHeader(m.Layers.Count);
                foreach (var layer in m.Layers)
                    WriteInput(ref w, layer);
                break;
            case ImageConfigOp c:
                w.WriteArrayHeader(4);
                WriteInput(ref w, c.Root);
                WriteJson(ref w, c.Config);
                WriteNullableSeconds(ref w, c.SourceDateEpoch);
                WriteCompression(ref w, c.Compression);
                break;
            case ImageIndexOp x:
                w.WriteArrayHeader(2);
                w.WriteArrayHeader(x.Manifests.Count);
                foreach (var manifest in x.Manifests)
                    WriteInput(ref w, manifest);
                w.WriteArrayHeader(x.Platforms.Count);
                foreach (var platform in x.Platforms)
                    WriteJson(ref w, platform);
                break;
            default:
                throw new NotSupportedException($"cannot encode a {vertex.Op.GetType().Name}");
        }
        var md = vertex.Metadata;
        w.WriteArrayHeader(5);
        w.Write(md.Description);
        w.Write(md.StageName);
        w.Write(md.IgnoreCache);
        w.Write(md.Line);
        WriteNullable(ref w, md.ProgressGroup);
    }

    private static BuildVertex ReadVertex(ref MessagePackReader r)
    {
        Expect(r.ReadArrayHeader() == 4, "vertex header");
        var digest = new OpDigest(ReadString(ref r));
        var kind = ReadString(ref r);
        var fields = r.ReadArrayHeader();
        BuildOp op = kind switch
        {
            "source" => ReadSource(ref r, fields),
            "exec" => ReadExec(ref r, fields),
            "file" => ReadFile(ref r, fields),
            "merge" => new MergeOp(ReadList(ref r, static (ref MessagePackReader x) => ReadInput(ref x)!)),
            "export" => ReadExport(ref r, fields),
            "index" => ReadIndex(ref r, fields),
            _ => throw new InvalidDataException($"unknown op kind '{kind}'"),
        };
        Expect(r.ReadArrayHeader() == 5, "metadata header");
        var metadata = new OpMetadata(ReadString(ref r), ReadString(ref r), r.ReadBoolean(), r.ReadInt32()) { ProgressGroup = ReadNullable(ref r) };
        var computed = op.ComputeDigest();
        if (computed != digest)
            throw new InvalidDataException($"vertex {digest} decodes to a {kind} op with digest {computed}");
        return new BuildVertex(digest, op, metadata);
    }

    private static ImageIndexOp ReadIndex(ref MessagePackReader r, int fields)
    {
        Expect(fields == 2, "index fields");
        var manifests = ReadList(ref r, static (ref MessagePackReader x) => ReadInput(ref x)!);
        var platforms = ReadList(ref r, static (ref MessagePackReader x) => ReadJson<Platform>(ref x) ?? throw new InvalidDataException("index platform is null"));
        return new ImageIndexOp(manifests, platforms);
    }

    private static ImageConfigOp ReadExport(ref MessagePackReader r, int fields)
    {
        Expect(fields is 3 or 4, "export fields");
        var op = new ImageConfigOp(ReadInput(ref r), ReadJson<ImageConfig>(ref r) ?? new ImageConfig()) { SourceDateEpoch = ReadNullableSeconds(ref r) };
        return fields == 4 ? op with { Compression = ReadCompression(ref r) } : op;
    }

    /// <summary>Layer compression as [name, level or nil, force], or nil for the node's default.</summary>
    private static void WriteCompression(ref MessagePackWriter w, LayerCompressionOptions? compression)
    {
        if (compression is null)
        {
            w.WriteNil();
            return;
        }
        w.WriteArrayHeader(3);
        w.Write(LayerCompressionOptions.NameOf(compression.Compression));
        if (compression.Level is int level)
            w.Write(level);
        else
            w.WriteNil();
        w.Write(compression.Force);
    }

    private static LayerCompressionOptions? ReadCompression(ref MessagePackReader r)
    {
        if (r.TryReadNil())
            return null;
        Expect(r.ReadArrayHeader() == 3, "compression fields");
        var name = ReadString(ref r);
        int? level = r.TryReadNil() ? null : r.ReadInt32();
        var force = r.ReadBoolean();
        var compression = LayerCompressionOptions.FromAttributes(new Dictionary<string, string> { [LayerCompressionOptions.CompressionAttribute] = name })!.Compression;
        return new LayerCompressionOptions(compression, level, force);
    }

    /// <summary>A time as Unix seconds, or nil.</summary>
    private static void WriteNullableSeconds(ref MessagePackWriter w, DateTimeOffset? time)
    {
        if (time is { } t)
            w.Write(t.ToUnixTimeSeconds());
        else
            w.WriteNil();
    }

    private static DateTimeOffset? ReadNullableSeconds(ref MessagePackReader r) =>
        r.TryReadNil() ? null : DateTimeOffset.FromUnixTimeSeconds(r.ReadInt64());

    private static SourceOp ReadSource(ref MessagePackReader r, int fields)
    {
        Expect(fields == 9, "source fields");
        var sourceKind = (SourceKind)r.ReadInt32();
        var identifier = ReadString(ref r);
        return new SourceOp(sourceKind, identifier)
        {
            Platform = ReadJson<Platform>(ref r),
            FollowPaths = ReadStrings(ref r),
            IncludePatterns = ReadStrings(ref r),
            ExcludePatterns = ReadStrings(ref r),
            Checksum = ReadString(ref r),
            Filename = ReadString(ref r),
            KeepGitDir = r.ReadBoolean(),
        };
    }

    private static ExecOp ReadExec(ref MessagePackReader r, int fields)
    {
        Expect(fields == 8, "exec fields");
        var root = ReadInput(ref r);
        var args = ReadStrings(ref r);
        var env = ReadStrings(ref r);
        var cwd = ReadString(ref r);
        var user = ReadString(ref r);
        return new ExecOp(root, args, env, cwd, user)
        {
            Network = (NetworkMode)r.ReadInt32(),
            Security = (SecurityMode)r.ReadInt32(),
            Mounts = ReadList(ref r, ReadMount),
        };
    }

    private static FileOp ReadFile(ref MessagePackReader r, int fields)
    {
        Expect(fields == 2, "file fields");
        var baseInput = ReadInput(ref r);
        return new FileOp(baseInput, ReadList(ref r, ReadAction));
    }

    private static void WriteMount(ref MessagePackWriter w, ExecMount m)
    {
        w.WriteArrayHeader(14);
        w.Write((int)m.Type);
        w.Write(m.Target);
        WriteInput(ref w, m.Source);
        w.Write(m.SourcePath);
        w.Write(m.ReadOnly);
        w.Write(m.CacheId);
        w.Write((int)m.CacheSharing);
        w.Write(m.TmpfsSize);
        w.Write(m.SecretId);
        WriteNullable(ref w, m.SecretEnv);
        w.Write(m.Optional);
        WriteNullable(ref w, m.Uid);
        WriteNullable(ref w, m.Gid);
        WriteNullable(ref w, m.Mode);
    }

    private static ExecMount ReadMount(ref MessagePackReader r)
    {
        Expect(r.ReadArrayHeader() == 14, "mount fields");
        var type = (ExecMountType)r.ReadInt32();
        var target = ReadString(ref r);
        return new ExecMount(type, target)
        {
            Source = ReadInput(ref r),
            SourcePath = ReadString(ref r),
            ReadOnly = r.ReadBoolean(),
            CacheId = ReadString(ref r),
            CacheSharing = (CacheSharingMode)r.ReadInt32(),
            TmpfsSize = r.ReadInt64(),
            SecretId = ReadString(ref r),
            SecretEnv = ReadNullable(ref r),
            Optional = r.ReadBoolean(),
            Uid = ReadNullableUInt(ref r),
            Gid = ReadNullableUInt(ref r),
            Mode = ReadNullableUInt(ref r),
        };
    }

    private static void WriteAction(ref MessagePackWriter w, FileAction action)
    {
        switch (action)
        {
            case FileCopyAction c:
                w.WriteArrayHeader(16);
                w.Write(c.Kind);
                WriteInput(ref w, c.Source);
                w.Write(c.SourcePath);
                w.Write(c.Dest);
                WriteNullable(ref w, c.Chown);
                WriteNullable(ref w, c.Mode);
                WriteNullable(ref w, c.ModeString);
                w.Write(c.FollowSymlinks);
                w.Write(c.CopyDirContentsOnly);
                w.Write(c.CreateDestPath);
                w.Write(c.AllowWildcard);
                w.Write(c.AllowEmptyWildcard);
                w.Write(c.AttemptUnpack);
                WriteStrings(ref w, c.IncludePatterns);
                WriteStrings(ref w, c.ExcludePatterns);
                WriteStrings(ref w, c.RequiredPaths);
                break;
            case FileMkdirAction d:
                w.WriteArrayHeader(6);
                w.Write(d.Kind);
                w.Write(d.Path);
                w.Write(d.Mode);
                w.Write(d.MakeParents);
                WriteNullable(ref w, d.Chown);
                WriteNullableSeconds(ref w, d.CreatedTime);
                break;
            case FileMkfileAction f:
                w.WriteArrayHeader(5);
                w.Write(f.Kind);
                w.Write(f.Path);
                w.Write(f.Mode);
                w.Write(f.Data);
                WriteNullable(ref w, f.Chown);
                break;
            case FileRmAction rm:
                w.WriteArrayHeader(4);
                w.Write(rm.Kind);
                w.Write(rm.Path);
                w.Write(rm.AllowNotFound);
                w.Write(rm.AllowWildcard);
                break;
            default:
                throw new NotSupportedException($"cannot encode a {action.GetType().Name}");
        }
    }

    private static FileAction ReadAction(ref MessagePackReader r)
    {
        var count = r.ReadArrayHeader();
        var kind = ReadString(ref r);
        switch (kind)
        {
            case "copy":
                Expect(count == 16, "copy fields");
                var source = ReadInput(ref r);
                var sourcePath = ReadString(ref r);
                var dest = ReadString(ref r);
                return new FileCopyAction(source, sourcePath, dest)
                {
                    Chown = ReadNullable(ref r),
                    Mode = ReadNullableUInt(ref r),
                    ModeString = ReadNullable(ref r),
                    FollowSymlinks = r.ReadBoolean(),
                    CopyDirContentsOnly = r.ReadBoolean(),
                    CreateDestPath = r.ReadBoolean(),
                    AllowWildcard = r.ReadBoolean(),
                    AllowEmptyWildcard = r.ReadBoolean(),
                    AttemptUnpack = r.ReadBoolean(),
                    IncludePatterns = ReadStrings(ref r),
                    ExcludePatterns = ReadStrings(ref r),
                    RequiredPaths = ReadStrings(ref r),
                };
            case "mkdir":
                Expect(count == 6, "mkdir fields");
                return new FileMkdirAction(ReadString(ref r), r.ReadUInt32(), r.ReadBoolean()) { Chown = ReadNullable(ref r), CreatedTime = ReadNullableSeconds(ref r) };
            case "mkfile":
                Expect(count == 5, "mkfile fields");
                return new FileMkfileAction(ReadString(ref r), r.ReadUInt32(), ReadString(ref r)) { Chown = ReadNullable(ref r) };
            case "rm":
                Expect(count == 4, "rm fields");
                return new FileRmAction(ReadString(ref r), r.ReadBoolean(), r.ReadBoolean());
            default:
                throw new InvalidDataException($"unknown file action '{kind}'");
        }
    }

    private static void WriteInput(ref MessagePackWriter w, OpInput? input)
    {
        if (input is null)
        {
            w.WriteNil();
            return;
        }
        w.WriteArrayHeader(2);
        w.Write(input.Digest.Value);
        w.Write(input.Output);
    }

    private static OpInput? ReadInput(ref MessagePackReader r)
    {
        if (r.TryReadNil())
            return null;
        Expect(r.ReadArrayHeader() == 2, "input");
        return new OpInput(new OpDigest(ReadString(ref r)), r.ReadInt32());
    }

    private static void WriteStrings(ref MessagePackWriter w, IReadOnlyList<string> values)
    {
        w.WriteArrayHeader(values.Count);
        foreach (var v in values)
            w.Write(v);
    }

    private static string[] ReadStrings(ref MessagePackReader r) => ReadList(ref r, static (ref MessagePackReader x) => ReadString(ref x));

    private delegate T ReadItem<out T>(ref MessagePackReader r);

    private static T[] ReadList<T>(ref MessagePackReader r, ReadItem<T> read)
    {
        var count = r.ReadArrayHeader();
        var items = new T[count];
        for (var n = 0; n < count; n++)
            items[n] = read(ref r);
        return items;
    }

    private static void WriteNullable(ref MessagePackWriter w, string? value)
    {
        if (value is null) w.WriteNil();
        else w.Write(value);
    }

    private static void WriteNullable(ref MessagePackWriter w, uint? value)
    {
        if (value is null) w.WriteNil();
        else w.Write(value.Value);
    }

    private static string ReadString(ref MessagePackReader r) => r.ReadString() ?? throw new InvalidDataException("unexpected nil string");

    private static string? ReadNullable(ref MessagePackReader r) => r.TryReadNil() ? null : r.ReadString();

    private static uint? ReadNullableUInt(ref MessagePackReader r) => r.TryReadNil() ? null : r.ReadUInt32();

    private static void WriteJson<T>(ref MessagePackWriter w, T? value) where T : class
    {
        if (value is null) w.WriteNil();
        else w.Write(JsonSerializer.SerializeToUtf8Bytes(value));
    }

    private static T? ReadJson<T>(ref MessagePackReader r) where T : class
    {
        if (r.TryReadNil())
            return null;
        var bytes = r.ReadBytes() ?? throw new InvalidDataException("unexpected nil bytes");
        return JsonSerializer.Deserialize<T>(bytes.ToArray());
    }

    private static void Expect(bool condition, string what)
    {
        if (!condition)
            throw new InvalidDataException($"malformed build graph bytes: {what}");
    }
}
