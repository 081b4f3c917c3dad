using Img.Engine.Context.Ignore;

namespace Img.Engine.Worker.Files;

/// <summary>A copy source as a directory: a read-only snapshot mount, or the context directory with its .dockerignore filter.</summary>
public sealed record FileOpSource(string Root, ContextFilter? Filter = null);
