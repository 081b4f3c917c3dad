using Img.Messages.Builds.Events;

namespace Img.Cli.Progress;

/// <summary>Shows a build's progress events as they arrive; <see cref="Complete"/> ends the display.</summary>
public interface IProgressWriter
{
    void Write(IBuildEvent e);

    /// <summary>A step the CLI does itself (loading the Dockerfile, naming the image), shown like a vertex.</summary>
    Task StepAsync(string description, Func<Task> run);

    void Complete();
}
