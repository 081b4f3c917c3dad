using System.Reflection;
using MessagePack;

namespace Img.Actors.Tests.Serialization;

/// <summary>
/// Every type a formatter may be asked for when the given types are written: the types
/// themselves, the types of their <c>[Key]</c> members, element types of nullables, arrays and
/// generic collections, recursively through nested <c>[MessagePackObject]</c> types. Types with
/// hand-written formatters (the engine types) are reached but not entered.
/// </summary>
public static class KeyedTypeWalker
{
    public static IReadOnlyCollection<Type> ReachableFrom(IEnumerable<Type> roots)
    {
        var seen = new HashSet<Type>();
        var pending = new Stack<Type>(roots);
        while (pending.TryPop(out var type))
        {
            if (!seen.Add(type))
                continue;
            if (type.IsArray)
                pending.Push(type.GetElementType()!);
            else if (type.IsGenericType && !type.IsDefined(typeof(MessagePackObjectAttribute)))
            {
                foreach (var argument in type.GenericTypeArguments)
                    pending.Push(argument);
            }
            if (!type.IsDefined(typeof(MessagePackObjectAttribute)))
                continue;
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (property.IsDefined(typeof(KeyAttribute)))
                    pending.Push(property.PropertyType);
            }
            foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Instance))
            {
                if (field.IsDefined(typeof(KeyAttribute)))
                    pending.Push(field.FieldType);
            }
        }
        return seen;
    }
}
