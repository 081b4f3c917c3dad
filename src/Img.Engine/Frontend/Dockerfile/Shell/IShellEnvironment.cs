namespace Img.Engine.Frontend.Dockerfile.Shell;

/// <summary>The variables visible to word expansion. Lookups are case-sensitive on Linux.</summary>
public interface IShellEnvironment
{
    bool TryGet(string name, out string value);
    IEnumerable<string> Names { get; }
}
