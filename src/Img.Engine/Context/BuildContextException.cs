namespace Img.Engine.Context;

/// <summary>A COPY/ADD source or other context path that cannot be used; the message names it.</summary>
public class BuildContextException : Exception
{
    public BuildContextException(string message, string path, Exception? inner = null)
        : base(message, inner) => Path = path;

    /// <summary>The path as the caller gave it.</summary>
    public string Path { get; }
}
