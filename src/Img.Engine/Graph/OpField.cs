namespace Img.Engine.Graph;

/// <summary>
/// One declared field of an op record: its name, how to hand its value to an encoding and how to
/// put a decoded value back (a <c>with</c> expression). Built by <see cref="OpSchema{T}"/>'s
/// declaration methods, never by hand.
/// </summary>
public sealed class OpField<T> where T : class
{
    private readonly Action<T, IOpFieldWriter> _write;
    private readonly Func<T, IOpFieldReader, T> _read;

    internal OpField(string name, bool stored, Action<T, IOpFieldWriter> write, Func<T, IOpFieldReader, T> read)
    {
        Name = name;
        Stored = stored;
        _write = write;
        _read = read;
    }

    public string Name { get; }

    /// <summary>False for constants: written to the digest only, never read back.</summary>
    public bool Stored { get; }

    public void Write(T value, IOpFieldWriter writer) => _write(value, writer);

    public T Read(T value, IOpFieldReader reader) => _read(value, reader);
}
