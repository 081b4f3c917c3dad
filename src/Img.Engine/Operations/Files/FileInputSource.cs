using Img.Engine.Context.Ignore;

namespace Img.Engine.Operations.Files;

/// <summary>
/// A directory a copy action reads from: another op's output (a mounted snapshot) or the build
/// context. <paramref name="Filter"/> marks the build context: what it excludes is invisible, and
/// files copied from it belong to 0:0 unless <c>--chown</c> says otherwise (BuildKit's context
/// transfer resets owners), whereas other inputs keep their owners.
/// </summary>
/// <param name="Root">The directory; paths inside it are resolved without leaving it.</param>
/// <param name="Filter">The context's .dockerignore filter; null for every other input.</param>
public sealed record FileInputSource(string Root, ContextFilter? Filter = null);
