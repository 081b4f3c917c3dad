namespace Img.Engine.Context.Ignore;

/// <summary>
/// An ignore pattern is malformed. Messages are moby/patternmatcher's: <c>syntax error in pattern</c>
/// (Go's <c>filepath.ErrBadPattern</c>) or <c>illegal exclusion pattern: "!"</c>.
/// </summary>
public sealed class IgnorePatternException(string message) : FormatException(message)
{
    internal const string BadPattern = "syntax error in pattern";
}
