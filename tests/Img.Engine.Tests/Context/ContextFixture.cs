using Img.Engine.Context;
using Img.Engine.Context.Ignore;

namespace Img.Engine.Tests.Context;

/// <summary>A temporary context directory and state directory for one test.</summary>
public sealed class ContextFixture : IDisposable
{
    private readonly string _base = Directory.CreateTempSubdirectory("img-ctx-").FullName;

    public ContextFixture()
    {
        Directory.CreateDirectory(Root);
    }

    public string Root => Path.Combine(_base, "context");

    public string StatCacheDirectory => Path.Combine(_base, "state", "cache", BuildContext.StatCacheDirectoryName);

    public string Outside => _base;

    public string Write(string relative, string content = "")
    {
        string full = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        return full;
    }

    public string PathOf(string relative) => Path.Combine(Root, relative);

    /// <summary>A new instance, as a new build would open it; stat cache persisted unless told not to.</summary>
    public BuildContext Open(bool persist = true, TimeSpan? racyWindow = null) =>
        new(Root, null, ContextFilter.Load(Root, null), persist ? StatCacheDirectory : null)
        {
            RacyWindow = racyWindow ?? TimeSpan.Zero,
        };

    public async Task<string> ChecksumAsync(string path = ".", ChecksumOptions? options = null)
    {
        using var context = Open();
        return (await context.ChecksumAsync(path, options)).ToString();
    }

    public void Dispose() => Directory.Delete(_base, recursive: true);
}
