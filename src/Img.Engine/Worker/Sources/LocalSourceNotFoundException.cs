namespace Img.Engine.Worker.Sources;

/// <summary>A build reads a local source this process does not serve.</summary>
public sealed class LocalSourceNotFoundException(string name)
    : Exception($"local source \"{name}\" is not available on this node (no build context registered under that name)")
{
    public string Name { get; } = name;
}
