using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Serialization;
using MessagePack;

namespace Img.Messages.Serialization;

/// <summary>
/// What a <c>[MessagePackObject]</c> type with integer <c>[Key(n)]</c> members looks like on the
/// wire and how to build one, found once per type by reflection. Mirrors the decisions of
/// MessagePack 2.5's object resolver, because the bytes must match the ones it wrote:
/// <list type="bullet">
/// <item>Members are the public properties and fields; each one needs a <c>[Key]</c> unless it is
/// marked <c>[IgnoreMember]</c> (or <c>[IgnoreDataMember]</c>, <c>[NonSerialized]</c>).</item>
/// <item><see cref="Written"/> is indexed by key, as long as the largest readable key + 1; the
/// gaps are written as nil.</item>
/// <item>The constructor is the <c>[SerializationConstructor]</c> one, else the public one with the
/// most parameters that all match keyed members; members it does not take are set afterwards
/// when they have a public setter.</item>
/// </list>
/// Trailing elements may be missing (an older writer, before keys were appended) only where every
/// missing member feeds a constructor parameter with a default value: the record's author said what
/// such a message means. Anything else missing is an error (<see cref="MinimumCount"/>), since a
/// silently defaulted member would be a different message.
/// Unlike MessagePack 2.5, which pairs constructor parameters with members by position in key
/// order, parameters are paired by name (ignoring case): a record whose keys are not in parameter
/// order still reads back right. String keys are refused: img's messages are arrays.
/// </summary>
internal sealed class KeyedObjectContract<T>
{
    private readonly ConstructorInfo? _constructor;
    private readonly int[] _parameterKeys;
    private readonly object?[] _parameterDefaults;
    private readonly KeyedMember<T>[] _setAfterConstruction;

    public KeyedObjectContract()
    {
        var type = typeof(T);
        if (type.GetCustomAttribute<MessagePackObjectAttribute>(inherit: true) is not { } contract)
            throw Error("has no [MessagePackObject]");
        if (contract.KeyAsPropertyName)
            throw Error("uses [MessagePackObject(keyAsPropertyName: true)]; img's messages are arrays, use [Key(n)]");

        var members = Members(type);
        var byKey = new KeyedMember<T>?[members.Count == 0 ? 0 : members.Max(m => m.Key) + 1];
        foreach (var member in members)
        {
            if (byKey[member.Key] is { } other)
                throw Error($"gives [Key({member.Key})] to both {other.Name} and {member.Name}");
            byKey[member.Key] = member;
        }
        Read = byKey;
        var readable = members.Where(m => m.IsReadable).ToArray();
        Written = new KeyedMember<T>?[readable.Length == 0 ? 0 : readable.Max(m => m.Key) + 1];
        foreach (var member in readable)
            Written[member.Key] = member;

        (_constructor, _parameterKeys) = Constructor(type, readable);
        var parameters = _constructor?.GetParameters() ?? [];
        _parameterDefaults = parameters.Select(p => p.HasDefaultValue ? p.DefaultValue : null).ToArray();
        var defaulted = _parameterKeys.Where((_, i) => parameters[i].HasDefaultValue).ToHashSet();
        MinimumCount = readable.Where(m => !defaulted.Contains(m.Key)).Select(m => m.Key + 1).DefaultIfEmpty(0).Max();
        _setAfterConstruction = members.Where(m => m.IsWritable && !_parameterKeys.Contains(m.Key)).ToArray();
        HasCallbacks = typeof(IMessagePackSerializationCallbackReceiver).IsAssignableFrom(type);
    }

    /// <summary>What is written, by key; null entries are gaps written as nil. Its length is the array's.</summary>
    public KeyedMember<T>?[] Written { get; }

    /// <summary>The fewest elements a reader accepts: up to the last member without a constructor default.</summary>
    public int MinimumCount { get; }

    /// <summary>What is read, by key; elements past its end come from a newer writer and are skipped.</summary>
    public KeyedMember<T>?[] Read { get; }

    public bool HasCallbacks { get; }

    /// <summary>
    /// Builds an instance from the values read, indexed by key; only the first
    /// <paramref name="count"/> were present, constructor defaults stand in for the rest. A struct
    /// without a matching constructor starts as <c>default</c>, as MessagePack's does.
    /// </summary>
    public T Create(object?[] values, int count)
    {
        object? instance;
        if (_constructor is null)
        {
            instance = default(T);
        }
        else
        {
            var arguments = _parameterKeys.Length == 0 ? [] : new object?[_parameterKeys.Length];
            for (var i = 0; i < arguments.Length; i++)
                arguments[i] = _parameterKeys[i] < count ? values[_parameterKeys[i]] : _parameterDefaults[i];
            instance = _constructor.Invoke(arguments);
        }
        if (_setAfterConstruction.Length == 0)
            return (T)instance!;
        foreach (var member in _setAfterConstruction)
        {
            if (member.Key < count)
                member.Assign(instance!, values[member.Key]);
        }
        return (T)instance!;
    }

    private static List<KeyedMember<T>> Members(Type type)
    {
        var members = new List<KeyedMember<T>>();
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length == 0 && !Ignored(property))
                members.Add(KeyedMember<T>.Bind(property, KeyOf(property)));
        }
        foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Instance))
        {
            if (!Ignored(field) && !field.IsDefined(typeof(CompilerGeneratedAttribute)))
                members.Add(KeyedMember<T>.Bind(field, KeyOf(field)));
        }
        return members;
    }

    private static bool Ignored(MemberInfo member) =>
        member.IsDefined(typeof(IgnoreMemberAttribute), inherit: true)
        || member.IsDefined(typeof(IgnoreDataMemberAttribute), inherit: true)
        || member.IsDefined(typeof(NonSerializedAttribute), inherit: true);

    private static int KeyOf(MemberInfo member)
    {
        var key = member.GetCustomAttribute<KeyAttribute>(inherit: true)
            ?? throw Error($"member {member.Name} has no [Key] (mark it [IgnoreMember] if it is not sent)");
        return key.IntKey is { } n && n >= 0
            ? n
            : throw Error($"member {member.Name} has a string or negative key; img's messages use [Key(n)], n >= 0");
    }

    private static (ConstructorInfo? Constructor, int[] ParameterKeys) Constructor(Type type, KeyedMember<T>[] readable)
    {
        var byName = new Dictionary<string, KeyedMember<T>>(StringComparer.OrdinalIgnoreCase);
        foreach (var member in readable)
            byName.TryAdd(member.Name, member);

        int[]? Match(ConstructorInfo constructor)
        {
            var parameters = constructor.GetParameters();
            var keys = new int[parameters.Length];
            for (var i = 0; i < parameters.Length; i++)
            {
                if (parameters[i].Name is not { } name || !byName.TryGetValue(name, out var member) || !parameters[i].ParameterType.IsAssignableFrom(member.Type))
                    return null;
                keys[i] = member.Key;
            }
            return keys;
        }

        var all = type.GetConstructors(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance);
        var marked = all.Where(c => c.IsDefined(typeof(SerializationConstructorAttribute), inherit: false)).ToArray();
        if (marked.Length > 1)
            throw Error("has more than one [SerializationConstructor]");
        if (marked.Length == 1)
        {
            return (marked[0], Match(marked[0])
                ?? throw Error("has a [SerializationConstructor] whose parameters do not all name readable [Key] members of their type"));
        }
        foreach (var constructor in all.Where(c => c.IsPublic).OrderByDescending(c => c.GetParameters().Length))
        {
            if (Match(constructor) is { } keys)
                return (constructor, keys);
        }
        return type.IsValueType
            ? (null, [])
            : throw Error("has no public constructor whose parameters all name readable [Key] members (a record's primary constructor does)");
    }

    private static MessagePackSerializationException Error(string problem) => new($"{typeof(T).FullName} {problem}");
}
