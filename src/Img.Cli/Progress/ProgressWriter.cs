using Img.Engine.Graph;
using Img.Messages.Builds.Events;

namespace Img.Cli.Progress;

/// <summary>
/// What the plain and the terminal display share: events and the CLI's own steps fold into one
/// <see cref="ProgressState"/> under a lock, and each change is handed to <see cref="Show"/>.
/// </summary>
public abstract class ProgressWriter : IProgressWriter
{
    private readonly object _gate = new();

    protected ProgressState State { get; } = new();

    public void Write(IBuildEvent e) => Update(() => State.Apply(e));

    public void Status(OpDigest vertex, string text, TimeSpan duration) => Update(() => State.Status(vertex, text, duration));

    public IProgressStep Begin(string description)
    {
        var step = new Step(this, new object(), description);
        Update(() => State.Start(step.Key, description));
        return step;
    }

    public void Cancel()
    {
        lock (_gate)
        {
            foreach (var update in State.CancelRunning())
                Show(update);
        }
    }

    public abstract void Complete();

    /// <summary>Called under the lock for each change, in order.</summary>
    protected abstract void Show(ProgressUpdate update);

    /// <summary>Runs <paramref name="action"/> under the lock the display draws with.</summary>
    protected void Locked(Action action)
    {
        lock (_gate) action();
    }

    private void Update(Func<ProgressUpdate?> apply)
    {
        lock (_gate)
        {
            if (apply() is { } update)
                Show(update);
        }
    }

    /// <summary>A CLI step: its key is the object itself, never an op digest.</summary>
    private sealed class Step(ProgressWriter owner, object key, string description) : IProgressStep
    {
        public object Key { get; } = key;

        public void Status(string text, TimeSpan duration = default) => owner.Update(() => owner.State.Status(Key, text, duration));

        public void Done() => owner.Update(() => owner.State.Finish(Key, description));

        public void Fail(string error) => owner.Update(() => owner.State.Fail(Key, description, error));
    }
}
