using MessagePack;
using MessagePack.Formatters;

namespace Img.Messages.Serialization;

/// <summary>
/// Enums, nullable value types, arrays, lists and dictionaries, each mapped to the formatter class
/// MessagePack's DynamicGenericResolver picks for it (so the bytes are the same), closed over the
/// element types with MakeGenericType. Those formatter classes are ordinary compiled code: no
/// Reflection.Emit, no expression trees. DynamicGenericResolver itself is not in img's chain: for
/// shapes outside this list it reaches formatters that compile expression trees (custom
/// dictionary types) and it would hide an unsupported member type until a process met it; here an
/// unlisted shape has no formatter and a test walking the messages' member types fails instead.
/// Enums are written as their underlying integer (MessagePack's default; DynamicEnumResolver
/// would write the same but emits a type per enum).
/// </summary>
internal sealed class GenericShapeResolver : IFormatterResolver
{
    public static GenericShapeResolver Instance { get; } = new();

    private GenericShapeResolver()
    {
    }

    public IMessagePackFormatter<T>? GetFormatter<T>() => Cache<T>.Formatter;

    private static object? Create(Type type)
    {
        if (type.IsEnum)
            return Activator.CreateInstance(typeof(GenericEnumFormatter<>).MakeGenericType(type));
        if (type.IsSZArray)
            return Activator.CreateInstance(typeof(ArrayFormatter<>).MakeGenericType(type.GetElementType()!));
        if (!type.IsConstructedGenericType)
            return null;
        var formatter = FormatterDefinition(type.GetGenericTypeDefinition());
        return formatter is null ? null : Activator.CreateInstance(formatter.MakeGenericType(type.GenericTypeArguments));
    }

    private static Type? FormatterDefinition(Type definition)
    {
        if (definition == typeof(Nullable<>)) return typeof(NullableFormatter<>);
        if (definition == typeof(IReadOnlyList<>)) return typeof(InterfaceReadOnlyListFormatter<>);
        if (definition == typeof(List<>)) return typeof(ListFormatter<>);
        if (definition == typeof(IList<>)) return typeof(InterfaceListFormatter2<>);
        if (definition == typeof(IReadOnlyCollection<>)) return typeof(InterfaceReadOnlyCollectionFormatter<>);
        if (definition == typeof(ICollection<>)) return typeof(InterfaceCollectionFormatter2<>);
        if (definition == typeof(IReadOnlyDictionary<,>)) return typeof(InterfaceReadOnlyDictionaryFormatter<,>);
        if (definition == typeof(Dictionary<,>)) return typeof(DictionaryFormatter<,>);
        if (definition == typeof(IDictionary<,>)) return typeof(InterfaceDictionaryFormatter<,>);
        return null;
    }

    private static class Cache<T>
    {
        public static readonly IMessagePackFormatter<T>? Formatter = (IMessagePackFormatter<T>?)Create(typeof(T));
    }
}
