using Img.E2E.Tests.Infrastructure;
using Img.Engine.Tests.Fixtures;

namespace Img.E2E.Tests.Cluster.Infrastructure;

/// <summary>
/// A real registry (Debian <c>docker-registry</c>) on 127.0.0.1 for one test class, holding the
/// E2E busybox image as <c>127.0.0.1:PORT/busybox:latest</c>: cluster nodes pull base images from
/// registries only, never from the client's store. The image is pushed once, on first use
/// (<see cref="BusyboxAsync"/>), by <c>img import</c> and <c>img push</c> from a state directory of
/// its own. Disposing kills the registry and removes its storage.
/// </summary>
public sealed class BaseImageRegistry : IAsyncLifetime
{
    private readonly SemaphoreSlim _push = new(1, 1);
    private RegistryProcess? _registry;
    private string? _busybox;

    public string Root { get; } = Path.Combine(Path.GetTempPath(), $"img-cluster-registry-{Guid.NewGuid():N}"[..30]);

    public RegistryProcess Registry => _registry ?? throw new InvalidOperationException("the registry is not started");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Root);
        _registry = await RegistryProcess.StartAsync("cluster-base", Root, null);
    }

    /// <summary>The busybox image's reference on the registry, pushed there on the first call.</summary>
    public async Task<string> BusyboxAsync(ImgFixture fixture)
    {
        await _push.WaitAsync();
        try
        {
            if (_busybox is not null)
                return _busybox;
            var reference = $"{Registry.Host}/busybox:latest";
            var img = await fixture.NewStateAsync();
            (await img.RunAsync(["tag", "busybox:latest", reference])).AssertSuccess();
            (await img.RunAsync(["push", reference])).AssertSuccess();
            return _busybox = reference;
        }
        finally
        {
            _push.Release();
        }
    }

    public async Task DisposeAsync()
    {
        var errors = new List<Exception>();
        try
        {
            if (_registry is not null)
                await _registry.DisposeAsync();
        }
        catch (Exception e)
        {
            errors.Add(e);
        }
        try
        {
            if (Directory.Exists(Root))
                Directory.Delete(Root, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            errors.Add(e);
        }
        _push.Dispose();
        if (errors.Count > 0)
            throw new AggregateException("tearing down the base image registry failed", errors);
    }
}
