namespace Img.Cli.Progress;

/// <summary>A step the CLI shows like a vertex: status lines, then how it ended.</summary>
public interface IProgressStep
{
    /// <summary>A finished status line (<c>writing image sha256:... done</c>).</summary>
    void Status(string text, TimeSpan duration = default);

    void Done();

    void Fail(string error);
}
