namespace Img.Engine.Solver;

/// <summary>Which stream a log line came from.</summary>
public enum VertexLogStream
{
    Stdout = 1,
    Stderr = 2,
}
