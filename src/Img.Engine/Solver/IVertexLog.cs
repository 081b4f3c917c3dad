namespace Img.Engine.Solver;

/// <summary>
/// A sink for a running vertex's output. Thread-safe and non-blocking: executors call it from
/// any thread, as lines arrive.
/// </summary>
public interface IVertexLog
{
    void WriteLine(VertexLogStream stream, string line);
}
