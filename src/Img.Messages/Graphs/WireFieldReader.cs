using System.Buffers;
using System.Text.Json;
using Img.Engine.Diff;
using Img.Engine.Graph;
using Img.Engine.Oci;
using MessagePack;

namespace Img.Messages.Graphs;

/// <summary>
/// Reads what <see cref="WireFieldWriter"/> wrote, in the same order. <see cref="MessagePackReader"/>
/// is a ref struct and cannot be kept, so each value opens one at the current position and moves
/// the position past what it consumed.
/// </summary>
internal sealed class WireFieldReader(ReadOnlyMemory<byte> bytes) : IOpFieldReader
{
    private int _position;

    private delegate T ReadValue<out T>(ref MessagePackReader r);

    private T Next<T>(ReadValue<T> read)
    {
        var r = new MessagePackReader(bytes[_position..]);
        var value = read(ref r);
        _position += checked((int)r.Consumed);
        return value;
    }

    public int ArrayHeader() => Next(static (ref MessagePackReader r) => r.ReadArrayHeader());

    public bool TryNil() => Next(static (ref MessagePackReader r) => r.TryReadNil());

    public string String() => Next(static (ref MessagePackReader r) => r.ReadString()) ?? throw new InvalidDataException("unexpected nil string");

    public string String(string name) => String();

    public string? OptionalString(string name) => TryNil() ? null : String();

    public bool Bool(string name) => Next(static (ref MessagePackReader r) => r.ReadBoolean());

    public int Int32(string name) => Next(static (ref MessagePackReader r) => r.ReadInt32());

    public long Int64(string name) => Next(static (ref MessagePackReader r) => r.ReadInt64());

    public uint UInt32(string name) => Next(static (ref MessagePackReader r) => r.ReadUInt32());

    public uint? OptionalUInt32(string name) => TryNil() ? null : UInt32(name);

    public OpInput? Input(string name)
    {
        if (TryNil())
            return null;
        Expect(ArrayHeader() == 2, "input");
        return new OpInput(new OpDigest(String()), Int32(name));
    }

    public IReadOnlyList<string> Strings(string name) => List(String);

    public IReadOnlyList<OpInput> Inputs(string name) => List(() => Input(name) ?? throw new InvalidDataException($"malformed build graph bytes: nil in {name}"));

    public IReadOnlyList<T> Records<T>(string name, OpSchema<T> schema) where T : class => List(() =>
    {
        Expect(ArrayHeader() == schema.StoredFieldCount, $"{schema.Kind} fields");
        return schema.Read(this);
    });

    public IReadOnlyList<T> Variants<T>(string name, OpUnion<T> union) where T : class => List(() =>
    {
        var count = ArrayHeader();
        var kind = String();
        if (!union.TryFind(kind, out var member))
            throw new InvalidDataException($"unknown {name} kind '{kind}'");
        Expect(count == 1 + member.StoredFieldCount, $"{kind} fields");
        return (T)member.Read(this);
    });

    public Platform? Platform(string name) => Json<Platform>();

    public ImageConfig ImageConfig(string name) => Json<ImageConfig>() ?? new ImageConfig();

    public string Text(string name) => String();

    public DateTimeOffset? OptionalSeconds(string name) => TryNil() ? null : DateTimeOffset.FromUnixTimeSeconds(Int64(name));

    public LayerCompressionOptions? Compression(string name)
    {
        if (TryNil())
            return null;
        Expect(ArrayHeader() == 3, "compression fields");
        var compressionName = String();
        int? level = TryNil() ? null : Int32(name);
        var force = Bool(name);
        var compression = LayerCompressionOptions.FromAttributes(new Dictionary<string, string> { [LayerCompressionOptions.CompressionAttribute] = compressionName })!.Compression;
        return new LayerCompressionOptions(compression, level, force);
    }

    public ExecResources? Resources(string name)
    {
        if (TryNil())
            return null;
        Expect(ArrayHeader() == 4, "exec resource fields");
        var hosts = List(() =>
        {
            Expect(ArrayHeader() == 2, "extra host fields");
            return new ExtraHost(String(), String());
        });
        var shm = Int64(name);
        var ulimits = List(() =>
        {
            Expect(ArrayHeader() == 3, "ulimit fields");
            return new Ulimit(String(), Int64(name), Int64(name));
        });
        return new ExecResources(hosts, shm, ulimits, String());
    }

    private T[] List<T>(Func<T> read)
    {
        var count = ArrayHeader();
        var items = new T[count];
        for (var n = 0; n < count; n++)
            items[n] = read();
        return items;
    }

    private T? Json<T>() where T : class
    {
        if (TryNil())
            return null;
        var json = Next(static (ref MessagePackReader r) => r.ReadBytes()) ?? throw new InvalidDataException("unexpected nil bytes");
        return JsonSerializer.Deserialize<T>(json.ToArray());
    }

    public static void Expect(bool condition, string what)
    {
        if (!condition)
            throw new InvalidDataException($"malformed build graph bytes: {what}");
    }
}
