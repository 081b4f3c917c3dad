using System.Reflection;
using System.Runtime.ExceptionServices;
using MessagePack;

namespace Img.Messages.Serialization;

/// <summary>
/// One <c>[Key(n)]</c> property or field of a <see cref="KeyedObjectContract{T}"/>. The member's
/// type is hidden behind this base so a contract can keep members of different types in one array
/// indexed by key; <see cref="TypedKeyedMember{T, TMember}"/> does the typed work.
/// </summary>
internal abstract class KeyedMember<T>
{
    private static readonly MethodInfo BindAsMethod = typeof(KeyedMember<T>).GetMethod(nameof(BindAs), BindingFlags.NonPublic | BindingFlags.Static)!;

    protected KeyedMember(MemberInfo member, int key)
    {
        Member = member;
        Key = key;
    }

    public MemberInfo Member { get; }

    public int Key { get; }

    public string Name => Member.Name;

    public abstract Type Type { get; }

    /// <summary>Has a public getter (or is a public field): MessagePack writes only these.</summary>
    public abstract bool IsReadable { get; }

    /// <summary>Can be set after construction (public setter, init included, or a non-readonly field).</summary>
    public abstract bool IsWritable { get; }

    public abstract void Write(ref MessagePackWriter writer, ref T value, MessagePackSerializerOptions options);

    /// <summary>Boxed, because the constructor arguments it feeds are an <c>object?[]</c> anyway.</summary>
    public abstract object? Read(ref MessagePackReader reader, MessagePackSerializerOptions options);

    /// <summary>Sets the member on an instance (boxed when <typeparamref name="T"/> is a struct, so the box is what changes).</summary>
    public abstract void Assign(object target, object? value);

    /// <summary>
    /// Closes <see cref="TypedKeyedMember{T, TMember}"/> over the member's type. MakeGenericMethod
    /// only asks the JIT for an instantiation, which works with dynamic code off.
    /// </summary>
    public static KeyedMember<T> Bind(MemberInfo member, int key)
    {
        var memberType = member is PropertyInfo property ? property.PropertyType : ((FieldInfo)member).FieldType;
        try
        {
            return (KeyedMember<T>)BindAsMethod.MakeGenericMethod(memberType).Invoke(null, [member, key])!;
        }
        catch (TargetInvocationException e) when (e.InnerException is { } inner)
        {
            // the member's own problem (a bad [MessagePackFormatter]) reads better than reflection's wrapper
            ExceptionDispatchInfo.Throw(inner);
            throw;
        }
    }

    private static KeyedMember<T> BindAs<TMember>(MemberInfo member, int key) => new TypedKeyedMember<T, TMember>(member, key);
}
