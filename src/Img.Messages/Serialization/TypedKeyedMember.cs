using System.Reflection;
using MessagePack;
using MessagePack.Formatters;

namespace Img.Messages.Serialization;

/// <summary>
/// A keyed member of type <typeparamref name="TMember"/>, read and written by the formatter
/// <c>options.Resolver</c> gives for that type (or the member's own <c>[MessagePackFormatter]</c>,
/// as MessagePack does). Properties are read through a delegate bound to their getter: a call as
/// cheap as a virtual one, and no IL is generated for it. Setting members after construction is
/// rare (records take everything through their constructor), so it stays plain reflection.
/// </summary>
internal sealed class TypedKeyedMember<T, TMember> : KeyedMember<T>
{
    private readonly Getter? _get;
    private readonly Action<object, object?>? _set;
    private readonly IMessagePackFormatter<TMember>? _formatter;

    public TypedKeyedMember(MemberInfo member, int key)
        : base(member, key)
    {
        switch (member)
        {
            case PropertyInfo property:
                if (property.GetMethod is { IsPublic: true, IsStatic: false } getter)
                    _get = BindGetter(getter);
                if (property.SetMethod is { IsPublic: true, IsStatic: false })
                    _set = property.SetValue;
                break;
            case FieldInfo field:
                _get = (ref T target) => (TMember)field.GetValue(target)!;
                if (!field.IsInitOnly)
                    _set = field.SetValue;
                break;
        }
        _formatter = DeclaredFormatter(member);
    }

    /// <summary>By reference so a struct's getter runs on the caller's copy, the way open delegates over value types must be bound.</summary>
    private delegate TMember Getter(ref T target);

    public override Type Type => typeof(TMember);

    public override bool IsReadable => _get is not null;

    public override bool IsWritable => _set is not null;

    public override void Write(ref MessagePackWriter writer, ref T value, MessagePackSerializerOptions options) =>
        (_formatter ?? options.Resolver.GetFormatterWithVerify<TMember>()).Serialize(ref writer, _get!(ref value), options);

    public override object? Read(ref MessagePackReader reader, MessagePackSerializerOptions options) =>
        (_formatter ?? options.Resolver.GetFormatterWithVerify<TMember>()).Deserialize(ref reader, options);

    public override void Assign(object target, object? value) => _set!(target, value);

    private static Getter BindGetter(MethodInfo getter)
    {
        if (typeof(T).IsValueType)
            return getter.CreateDelegate<Getter>();
        var get = getter.CreateDelegate<Func<T, TMember>>();
        return (ref T target) => get(target);
    }

    /// <summary>
    /// A member may name its own formatter; ignoring it would silently write other bytes than
    /// MessagePack's object resolver does, so it is honoured (created once, like MessagePack does).
    /// </summary>
    private static IMessagePackFormatter<TMember>? DeclaredFormatter(MemberInfo member)
    {
        if (member.GetCustomAttribute<MessagePackFormatterAttribute>(inherit: true) is not { } declared)
            return null;
        var type = declared.FormatterType;
        var formatter = declared.Arguments is { Length: > 0 } arguments
            ? Activator.CreateInstance(type, arguments)
            : type.GetConstructor(Type.EmptyTypes)?.Invoke(null)
                ?? type.GetField("Instance", BindingFlags.Public | BindingFlags.Static)?.GetValue(null);
        return formatter as IMessagePackFormatter<TMember>
            ?? throw new MessagePackSerializationException(
                $"{member.DeclaringType}.{member.Name}: [MessagePackFormatter({type})] is not an IMessagePackFormatter<{typeof(TMember)}> with a parameterless constructor or a static Instance");
    }
}
