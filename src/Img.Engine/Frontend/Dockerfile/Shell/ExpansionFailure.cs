namespace Img.Engine.Frontend.Dockerfile.Shell;

/// <summary>
/// Internal signal that expansion failed, carrying BuildKit's reason text. Nested levels catch it
/// to replace the reason (BuildKit reports "missing '}'" for anything that ran off the end inside
/// <c>${...}</c>); <see cref="ShellLexer"/> turns it into a <see cref="ShellExpansionException"/>.
/// </summary>
internal sealed class ExpansionFailure(string reason) : Exception(reason)
{
    public string Reason { get; } = reason;
}
