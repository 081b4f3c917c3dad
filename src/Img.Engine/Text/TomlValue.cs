namespace Img.Engine.Text;

/// <summary>A value (string, long, double, bool, or a list of those) and the line it is on.</summary>
public sealed record TomlValue(object Value, int Line);
