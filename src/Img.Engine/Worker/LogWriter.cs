using System.Text;
using Img.Engine.Solver;

namespace Img.Engine.Worker;

/// <summary>A <see cref="TextWriter"/> that hands complete lines to a vertex log (pull progress lines).</summary>
internal sealed class LogWriter(IVertexLog log, VertexLogStream stream) : TextWriter
{
    private readonly StringBuilder _line = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        lock (_line)
        {
            if (value == '\n')
            {
                log.WriteLine(stream, _line.ToString());
                _line.Clear();
            }
            else if (value != '\r')
            {
                _line.Append(value);
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        lock (_line)
        {
            if (_line.Length > 0)
                log.WriteLine(stream, _line.ToString());
            _line.Clear();
        }
        base.Dispose(disposing);
    }
}
