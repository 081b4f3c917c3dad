using Img.Engine.Context.Ignore;

namespace Img.Engine.Solver;

/// <summary>
/// A local source as a step reads it: a directory and the .dockerignore filter that still applies
/// to it (null when the directory holds only what is sent). Disposing releases a copy made for the step.
/// </summary>
public sealed class LocalContextView(string root, ContextFilter? filter, Func<ValueTask>? release = null) : IAsyncDisposable
{
    public string Root { get; } = root;

    public ContextFilter? Filter { get; } = filter;

    public ValueTask DisposeAsync() => release?.Invoke() ?? ValueTask.CompletedTask;
}
