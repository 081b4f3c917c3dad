namespace Img.Engine.Context;

/// <summary>
/// A source that selects nothing in the context, worded like BuildKit:
/// <c>failed to compute cache key: "/nope": not found</c>.
/// </summary>
public sealed class ContextPathNotFoundException(string path)
    : BuildContextException($"failed to compute cache key: \"{Display(path)}\": not found", path)
{
    private static string Display(string path) => path.StartsWith('/') ? path : "/" + path;
}
