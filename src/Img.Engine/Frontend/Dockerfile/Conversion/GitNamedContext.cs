namespace Img.Engine.Frontend.Dockerfile.Conversion;

/// <summary>A git repository (<c>NAME=https://host/repo.git#ref:subdir</c>, <c>NAME=git@host:repo.git</c>): a git source, pinned to its commit.</summary>
public sealed record GitNamedContext(string Url) : NamedContext;
