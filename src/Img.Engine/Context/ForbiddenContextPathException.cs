namespace Img.Engine.Context;

/// <summary>A source path that climbs out of the build context (<c>COPY ../x</c>).</summary>
public sealed class ForbiddenContextPathException(string path)
    : BuildContextException($"forbidden path outside the build context: {path}", path);
