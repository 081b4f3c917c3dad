using System.Collections;
using System.Reflection;
using System.Text.Json;
using Img.Engine.Diff;
using Img.Engine.Graph;
using Img.Engine.Oci;
using Img.Messages.Graphs;

namespace Img.Actors.Tests.Serialization;

/// <summary>
/// Every settable property of every op, file action and mount reaches both encodings: changing it
/// changes the op digest (else two different steps would share a cache key) and it comes back
/// from the wire (else a node would run another step than the one asked). The records are found
/// by reflection, so a new field or a new op kind is checked without touching this test; a field
/// of a type this test cannot change fails until it learns to.
/// </summary>
public class OpFieldCoverageSpecs
{
    private static readonly Dictionary<Type, Func<object>> Samples = new()
    {
        [typeof(SourceOp)] = () => new SourceOp(SourceKind.Image, "busybox"),
        [typeof(ExecOp)] = () => new ExecOp(null, ["true"], [], "/", ""),
        [typeof(FileOp)] = () => new FileOp(null, []),
        [typeof(MergeOp)] = () => new MergeOp([]),
        [typeof(ImageConfigOp)] = () => new ImageConfigOp(null, new ImageConfig { Os = "linux" }),
        [typeof(ImageIndexOp)] = () => new ImageIndexOp([], [new Platform { Os = "linux", Architecture = "arm64", Variant = "v8" }]),
        [typeof(FileCopyAction)] = () => new FileCopyAction(null, "a", "b"),
        [typeof(FileMkdirAction)] = () => new FileMkdirAction("/d", 0x1ed, false),
        [typeof(FileMkfileAction)] = () => new FileMkfileAction("/f", 0x1a4, "x"),
        [typeof(FileRmAction)] = () => new FileRmAction("/r", false, false),
        [typeof(ExecMount)] = () => new ExecMount(ExecMountType.Bind, "/m"),
    };

    /// <summary>Every concrete op and file action in the engine, and the mount record ExecOp holds.</summary>
    private static IEnumerable<Type> Records() =>
        typeof(BuildOp).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && (t.IsSubclassOf(typeof(BuildOp)) || t.IsSubclassOf(typeof(FileAction))))
            .Append(typeof(ExecMount));

    [Fact]
    public void Every_op_record_has_a_sample() =>
        Assert.Empty(Records().Where(t => !Samples.ContainsKey(t)).Select(t => t.Name));

    [Fact]
    public void Every_field_of_every_op_changes_the_digest_and_survives_the_wire()
    {
        var gaps = new List<string>();
        var checkedFields = 0;
        foreach (var type in Records())
        {
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true }))
            {
                var name = $"{type.Name}.{property.Name}";
                var sample = Samples[type]();
                var value = property.GetValue(sample);
                var changedValue = Change(property.PropertyType, value);
                if (changedValue is null && value is null)
                {
                    gaps.Add($"{name}: this test cannot change a {property.PropertyType.Name}; teach Change()");
                    continue;
                }
                var changed = Clone(sample);
                property.SetValue(changed, changedValue);
                Assert.NotEqual(Json(value), Json(changedValue));
                checkedFields++;

                var before = AsOp(sample);
                var after = AsOp(changed);
                if (before.ComputeDigest() == after.ComputeDigest())
                    gaps.Add($"{name}: not in the op digest");
                try
                {
                    var vertex = new BuildVertex(after.ComputeDigest(), after, OpMetadata.Internal(name));
                    var back = FromOp(BuildGraphCodec.DecodeVertex(BuildGraphCodec.EncodeVertex(vertex)).Op, type);
                    if (Json(property.GetValue(back)) != Json(changedValue))
                        gaps.Add($"{name}: lost on the wire ({Json(property.GetValue(back))} instead of {Json(changedValue)})");
                }
                catch (Exception e) when (e is InvalidDataException or NotSupportedException)
                {
                    gaps.Add($"{name}: the wire refuses it ({e.Message})");
                }
            }
        }
        Assert.Empty(gaps);
        Assert.True(checkedFields > 50, $"only {checkedFields} fields checked");
    }

    /// <summary>The op that carries <paramref name="record"/>: itself, a file op with the action, or an exec op with the mount.</summary>
    private static BuildOp AsOp(object record) => record switch
    {
        BuildOp op => op,
        FileAction action => new FileOp(null, [action]),
        ExecMount mount => new ExecOp(null, ["true"], [], "/", "") { Mounts = [mount] },
        _ => throw new ArgumentException(record.GetType().Name),
    };

    private static object FromOp(BuildOp op, Type type) => op switch
    {
        _ when type.IsInstanceOfType(op) => op,
        FileOp file => file.Actions.Single(),
        ExecOp exec => exec.Mounts.Single(),
        _ => throw new ArgumentException(type.Name),
    };

    private static object Clone(object record) =>
        record.GetType().GetMethod("<Clone>$")!.Invoke(record, null)!;

    private static readonly OpInput OtherInput = new(new OpDigest("sha256:" + new string('e', 64)), 1);

    /// <summary>Another value of the same type, or null when the type is unknown here.</summary>
    private static object? Change(Type type, object? value)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying.IsEnum)
        {
            var values = Enum.GetValues(underlying);
            var at = Array.IndexOf(values, value);
            return values.GetValue((at + 1) % values.Length);
        }
        return value switch
        {
            string s => s + "-changed",
            bool b => !b,
            int i => i + 1,
            long l => l + 1,
            uint u => u + 1,
            DateTimeOffset t => t.AddDays(1),
            OpInput => new OpInput(OtherInput.Digest, 7),
            ImageConfig c => c with { Config = c.Config with { User = "changed" } },
            Platform p => p with { Architecture = p.Architecture + "-changed" },
            LayerCompressionOptions o => o with { Level = (o.Level ?? 0) + 1 },
            IReadOnlyList<string> l => l.Append("changed").ToArray(),
            IReadOnlyList<OpInput> l => l.Append(OtherInput).ToArray(),
            IReadOnlyList<ExecMount> l => l.Append(new ExecMount(ExecMountType.Tmpfs, "/changed")).ToArray(),
            IReadOnlyList<FileAction> l => l.Append(new FileRmAction("/changed", true, false)).ToArray(),
            IReadOnlyList<ExtraHost> l => l.Append(new ExtraHost("changed.example", "10.9.9.9")).ToArray(),
            IReadOnlyList<Ulimit> l => l.Append(new Ulimit("nproc", 7, 8)).ToArray(),
            IReadOnlyList<Platform> l => l.Append(new Platform { Os = "linux", Architecture = "riscv64" }).ToArray(),
            null => underlying switch
            {
                _ when underlying == typeof(string) => "changed",
                _ when underlying == typeof(uint) => 7u,
                _ when underlying == typeof(DateTimeOffset) => DateTimeOffset.FromUnixTimeSeconds(1_600_000_000),
                _ when underlying == typeof(OpInput) => OtherInput,
                _ when underlying == typeof(Platform) => new Platform { Os = "linux", Architecture = "s390x" },
                _ when underlying == typeof(LayerCompressionOptions) => new LayerCompressionOptions(LayerCompression.Zstd, 5, true),
                _ => null,
            },
            _ => null,
        };
    }

    /// <summary>A value as JSON, list items by their runtime type (so file actions keep their fields).</summary>
    private static string Json(object? value) => value is IEnumerable items and not string
        ? JsonSerializer.Serialize(items.Cast<object>().ToArray())
        : JsonSerializer.Serialize(value, value?.GetType() ?? typeof(object));
}
