namespace Img.E2E.Tests.Infrastructure;

/// <summary>A build context directory written from relative path -> contents.</summary>
public static class ContextDir
{
    public static string Create(ImgFixture fixture, string dockerfile, params (string Path, string Content)[] files)
    {
        var dir = fixture.NewDirectory("ctx");
        File.WriteAllText(Path.Combine(dir, "Dockerfile"), dockerfile);
        foreach (var (path, content) in files)
            Write(dir, path, content);
        return dir;
    }

    public static void Write(string dir, string path, string content)
    {
        var full = Path.Combine(dir, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
    }
}
