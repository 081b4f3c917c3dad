namespace Img.Engine.Registry.Credentials;

/// <summary>
/// Credentials as docker keeps them: a helper named in <c>credHelpers</c> for the registry, else
/// the <c>credsStore</c> helper, else the <c>auths</c> entry of config.json. The file is read on
/// every call, so a login in the same process is seen at once. <see cref="StoreAsync"/> and
/// <see cref="EraseAsync"/> are <c>img login</c> and <c>img logout</c>.
/// </summary>
public sealed class DockerConfigCredentialStore : ICredentialStore
{
    private readonly string _path;
    private readonly Func<string, CredentialHelper> _helperFactory;

    public DockerConfigCredentialStore(string? configPath = null, Func<string, CredentialHelper>? helperFactory = null)
    {
        _path = configPath ?? DockerConfigFile.DefaultPath();
        _helperFactory = helperFactory ?? (name => new CredentialHelper(name));
    }

    public string ConfigPath => _path;

    public async ValueTask<RegistryCredential?> GetAsync(string registry, CancellationToken ct)
    {
        var config = DockerConfigFile.Load(_path);
        if (config.HelperFor(registry) is { } helper)
        {
            var fromHelper = await _helperFactory(helper).GetAsync(RegistryServerKey.For(registry), ct).ConfigureAwait(false);
            if (fromHelper is not null) return fromHelper;
        }
        return config.FindAuth(registry)?.ToCredential();
    }

    /// <summary>Saves a login: into the helper when one is configured (config.json then gets an empty entry), else into config.json.</summary>
    public async Task StoreAsync(string registry, RegistryCredential credential, CancellationToken ct = default)
    {
        var config = DockerConfigFile.Load(_path);
        if (config.HelperFor(registry) is { } helper)
        {
            await _helperFactory(helper).StoreAsync(RegistryServerKey.For(registry), credential, ct).ConfigureAwait(false);
            config.SetAuth(registry, null);
        }
        else
        {
            config.SetAuth(registry, credential);
        }
        config.Save();
    }

    /// <summary>Forgets a login everywhere it may be; false when there was none in config.json.</summary>
    public async Task<bool> EraseAsync(string registry, CancellationToken ct = default)
    {
        var config = DockerConfigFile.Load(_path);
        if (config.HelperFor(registry) is { } helper)
            await _helperFactory(helper).EraseAsync(RegistryServerKey.For(registry), ct).ConfigureAwait(false);
        var removed = config.RemoveAuth(registry);
        if (removed) config.Save();
        return removed;
    }
}
