using System.Collections;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Img.Engine.Content;
using Img.Engine.Graph;
using Img.Engine.Oci;
using Img.Engine.Solver;
using Img.Messages;
using MessagePack;

namespace Img.Actors.Tests.Serialization;

/// <summary>
/// Sample messages built by reflection, so a message added to the <see cref="IImgMessage"/> union
/// is covered without touching the tests. Every value is non-default and derived from the member's
/// name (two members of one type get different values), so a formatter that drops, defaults or
/// swaps a member changes the bytes. Deterministic: the dynamic-code-off probe builds the same
/// samples in another process.
/// </summary>
public static class MessageSamples
{
    /// <summary>The union's members, from its <see cref="UnionAttribute"/>s, in tag order.</summary>
    public static IReadOnlyList<Type> UnionMembers() =>
        typeof(IImgMessage).GetCustomAttributes<UnionAttribute>().OrderBy(u => u.Key).Select(u => u.SubType).ToArray();

    public static TheoryData<string> UnionMemberNames()
    {
        var data = new TheoryData<string>();
        foreach (var type in UnionMembers())
            data.Add(type.FullName!);
        return data;
    }

    public static Type UnionMember(string fullName) => UnionMembers().Single(t => t.FullName == fullName);

    public static object Create(Type type) => Value(type, type.Name, 0, 0);

    /// <summary>
    /// Whether record equality says anything after a round trip: false when a reachable member is
    /// a list, array or dictionary (compared by reference), as in <see cref="Descriptor"/>.
    /// </summary>
    public static bool ComparesByValue(Type type) =>
        KeyedTypeWalker.ReachableFrom([type]).All(t =>
            !t.IsArray && t != typeof(Descriptor) && t != typeof(CacheResult)
            && !(t.IsGenericType && t.GetGenericTypeDefinition() != typeof(Nullable<>) && !t.IsDefined(typeof(MessagePackObjectAttribute))));

    private static object Value(Type t, string name, int variant, int depth)
    {
        if (depth > 10)
            throw new Xunit.Sdk.XunitException($"sample of {t} ({name}): recursion deeper than 10; give the type a sample here");
        if (Nullable.GetUnderlyingType(t) is { } inner)
            return Value(inner, name, variant, depth);
        var seed = Seed(name) + variant;
        if (t == typeof(string)) return $"{name}-{variant}";
        if (t == typeof(bool)) return variant % 2 == 0;
        if (t == typeof(char)) return (char)('a' + seed % 26);
        if (t == typeof(double)) return seed + 0.25;
        if (t == typeof(float)) return seed + 0.5f;
        if (t.IsPrimitive) return Convert.ChangeType(seed, t);
        if (t == typeof(byte[])) return new byte[] { 1, 2, (byte)seed };
        if (t.IsEnum) return NonZero(t, variant);
        if (t == typeof(CacheKey)) return new CacheKey("sha256:" + Hex(name, variant));
        if (t == typeof(OpDigest)) return new OpDigest("sha256:" + Hex(name, variant));
        if (t == typeof(Digest)) return Digest.FromHex(Hex(name, variant));
        if (t == typeof(Descriptor)) return Descriptor(name, variant);
        if (t == typeof(CacheResult))
        {
            return new CacheResult(
                $"snapshot-{name}-{variant}",
                Descriptor(name + ".layer", variant),
                Digest.FromHex(Hex(name + ".diff", variant)),
                Descriptor(name + ".image", variant),
                $"http://127.0.0.1:{9000 + seed}",
                // the second variant is a result imported from a cache (a sixth field)
                variant % 2 == 1 ? new ImportedResult($"registry:127.0.0.1:5000/{name}", Descriptor(name + ".cache", variant), new CacheKey("sha256:" + Hex(name + ".key", variant))) : null);
        }
        if (t.IsSZArray)
        {
            var array = Array.CreateInstance(t.GetElementType()!, 2);
            for (var i = 0; i < 2; i++)
                array.SetValue(Value(t.GetElementType()!, $"{name}[{i}]", i, depth + 1), i);
            return array;
        }
        if (Dictionary(t) is { } kv)
        {
            var dictionary = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(kv.Key, kv.Value))!;
            for (var i = 0; i < 2; i++)
                dictionary.Add(Value(kv.Key, name + ".key", i, depth + 1), Value(kv.Value, $"{name}[{i}]", i, depth + 1));
            return dictionary;
        }
        if (Sequence(t) is { } element)
        {
            var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(element))!;
            for (var i = 0; i < 2; i++)
                list.Add(Value(element, $"{name}[{i}]", i, depth + 1));
            return list;
        }
        if (t.IsDefined(typeof(MessagePackObjectAttribute)))
            return Keyed(t, variant, depth);
        throw new Xunit.Sdk.XunitException($"no sample for {t} ({name}): teach {nameof(MessageSamples)} this type");
    }

    private static object Keyed(Type t, int variant, int depth)
    {
        var constructor = t.GetConstructors().OrderByDescending(c => c.GetParameters().Length).FirstOrDefault();
        var parameters = constructor?.GetParameters() ?? [];
        var instance = constructor is null
            ? Activator.CreateInstance(t)!
            : constructor.Invoke(parameters.Select(p => Value(p.ParameterType, p.Name!, variant, depth + 1)).ToArray());
        foreach (var property in t.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.IsDefined(typeof(KeyAttribute)) && property.SetMethod is { IsPublic: true }
                && !parameters.Any(p => string.Equals(p.Name, property.Name, StringComparison.OrdinalIgnoreCase)))
                property.SetValue(instance, Value(property.PropertyType, property.Name, variant, depth + 1));
        }
        foreach (var field in t.GetFields(BindingFlags.Public | BindingFlags.Instance))
        {
            if (field.IsDefined(typeof(KeyAttribute)) && !field.IsInitOnly)
                field.SetValue(instance, Value(field.FieldType, field.Name, variant, depth + 1));
        }
        return instance;
    }

    private static KeyValuePair<Type, Type>? Dictionary(Type t)
    {
        if (!t.IsGenericType)
            return null;
        var definition = t.GetGenericTypeDefinition();
        return definition == typeof(Dictionary<,>) || definition == typeof(IDictionary<,>) || definition == typeof(IReadOnlyDictionary<,>)
            ? new(t.GenericTypeArguments[0], t.GenericTypeArguments[1])
            : null;
    }

    private static Type? Sequence(Type t)
    {
        if (!t.IsGenericType)
            return null;
        var definition = t.GetGenericTypeDefinition();
        return definition == typeof(List<>) || definition == typeof(IList<>) || definition == typeof(IReadOnlyList<>)
            || definition == typeof(ICollection<>) || definition == typeof(IReadOnlyCollection<>) || definition == typeof(IEnumerable<>)
            ? t.GenericTypeArguments[0]
            : null;
    }

    private static object NonZero(Type enumType, int variant)
    {
        var values = Enum.GetValues(enumType).Cast<object>().Where(v => Convert.ToInt64(v) != 0).Distinct().ToArray();
        if (values.Length == 0)
            throw new Xunit.Sdk.XunitException($"{enumType} has no non-zero value to sample");
        return values[variant % values.Length];
    }

    private static Descriptor Descriptor(string name, int variant) => new()
    {
        MediaType = MediaTypes.OciLayerGzip,
        Digest = "sha256:" + Hex(name + ".blob", variant),
        Size = 1000 + Seed(name) + variant,
        Annotations = new Dictionary<string, string> { ["org.opencontainers.image.title"] = name, ["variant"] = variant.ToString() },
    };

    private static int Seed(string name) => name.Sum(c => c) % 97 + 1;

    private static string Hex(string name, int variant) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{name}/{variant}")));
}
