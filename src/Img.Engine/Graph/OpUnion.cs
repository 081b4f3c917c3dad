namespace Img.Engine.Graph;

/// <summary>
/// The kinds that share one place in an encoding (ops in a graph, actions in a FileOp), each with
/// its schema. A record whose type is not listed cannot be encoded.
/// </summary>
public sealed class OpUnion<T> where T : class
{
    private readonly Dictionary<Type, IOpSchema> _byType;
    private readonly Dictionary<string, IOpSchema> _byKind;

    public OpUnion(params IOpSchema[] members)
    {
        Members = members;
        _byType = members.ToDictionary(m => m.Type);
        _byKind = members.ToDictionary(m => m.Kind, StringComparer.Ordinal);
    }

    public IReadOnlyList<IOpSchema> Members { get; }

    /// <exception cref="NotSupportedException">The record's type is not a member.</exception>
    public IOpSchema For(T value) =>
        _byType.TryGetValue(value.GetType(), out var schema) ? schema : throw new NotSupportedException($"cannot encode a {value.GetType().Name}");

    public bool TryFind(string kind, out IOpSchema schema) => _byKind.TryGetValue(kind, out schema!);
}
