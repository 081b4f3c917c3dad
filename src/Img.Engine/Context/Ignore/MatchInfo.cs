namespace Img.Engine.Context.Ignore;

/// <summary>
/// Per-pattern match results of a directory, handed to
/// <see cref="PatternMatcher.MatchesUsingParentResults"/> for its children so a walker does not
/// re-test every ancestor of every file. <c>default</c> means "no information about the parent".
/// </summary>
public readonly struct MatchInfo
{
    internal MatchInfo(bool[] parentMatched) => ParentMatched = parentMatched;

    internal bool[]? ParentMatched { get; }
}
