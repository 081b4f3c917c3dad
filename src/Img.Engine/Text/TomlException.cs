namespace Img.Engine.Text;

/// <summary>A TOML syntax error at a line.</summary>
public sealed class TomlException(int line, string message) : FormatException(message)
{
    public int Line { get; } = line;
}
