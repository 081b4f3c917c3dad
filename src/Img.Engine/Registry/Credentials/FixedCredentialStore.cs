namespace Img.Engine.Registry.Credentials;

/// <summary>One credential for every registry: the login being checked, before it is stored anywhere.</summary>
internal sealed class FixedCredentialStore(RegistryCredential credential) : ICredentialStore
{
    public ValueTask<RegistryCredential?> GetAsync(string registry, CancellationToken ct) => new(credential);
}
