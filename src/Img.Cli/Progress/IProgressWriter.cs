using Img.Engine.Graph;
using Img.Messages.Builds.Events;

namespace Img.Cli.Progress;

/// <summary>
/// Shows a build's progress the way BuildKit does: one entry per vertex (numbered <c>#N</c> in
/// plain mode), its output lines, its status lines (<c>transferring context: 2.34kB done</c>),
/// and how it ended. Steps the CLI does itself (loading the Dockerfile, naming the image) are
/// shown like vertices. <see cref="Complete"/> ends the display.
/// </summary>
public interface IProgressWriter
{
    void Write(IBuildEvent e);

    /// <summary>A finished status line of a build vertex, with how long it took.</summary>
    void Status(OpDigest vertex, string text, TimeSpan duration);

    /// <summary>Starts a step the CLI does itself; it ends with <see cref="IProgressStep.Done"/> or <see cref="IProgressStep.Fail"/>.</summary>
    IProgressStep Begin(string description);

    /// <summary>The build was cancelled: every vertex still running ends as CANCELED.</summary>
    void Cancel();

    void Complete();
}
