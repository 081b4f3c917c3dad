namespace Img.Engine.Frontend.Dockerfile.Conversion;

/// <summary>A directory of the client (<c>NAME=DIR</c>), served as the local source <paramref name="SourceName"/>.</summary>
/// <param name="SourceName">The local source's name: the context name, or <c>_context</c> / <c>_dockerfile</c>
/// for those two names (buildx's rule, so they never collide with the main context).</param>
/// <param name="ExcludePatterns">The directory's own <c>.dockerignore</c>.</param>
public sealed record LocalNamedContext(string SourceName, IReadOnlyList<string> ExcludePatterns) : NamedContext;
