namespace Img.Engine.Solver;

/// <summary>An <see cref="IVertexLog"/> that drops everything.</summary>
public sealed class NullVertexLog : IVertexLog
{
    public static NullVertexLog Instance { get; } = new();

    private NullVertexLog()
    {
    }

    public void WriteLine(VertexLogStream stream, string line)
    {
    }
}
