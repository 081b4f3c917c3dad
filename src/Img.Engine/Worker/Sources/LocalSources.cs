using System.Collections.Concurrent;
using Img.Engine.Context;

namespace Img.Engine.Worker.Sources;

/// <summary>
/// The local contexts this process serves, by source name (<c>context</c>, or a named context).
/// A local source vertex does not copy anything: its result is <c>local:NAME</c>, and readers
/// (COPY, bind mounts) read the directory through its <see cref="BuildContext.Filter"/>.
/// The CLI registers the build's context before submitting the graph.
/// </summary>
public sealed class LocalSources
{
    private readonly ConcurrentDictionary<string, BuildContext> _contexts = new(StringComparer.Ordinal);

    /// <summary>Serves <paramref name="context"/> as the local source <paramref name="name"/> (replacing an earlier one).</summary>
    public void Register(string name, BuildContext context) => _contexts[name] = context;

    public bool Unregister(string name) => _contexts.TryRemove(name, out _);

    /// <exception cref="LocalSourceNotFoundException">No context is registered under that name.</exception>
    public BuildContext Get(string name) =>
        _contexts.TryGetValue(name, out var context) ? context : throw new LocalSourceNotFoundException(name);
}
