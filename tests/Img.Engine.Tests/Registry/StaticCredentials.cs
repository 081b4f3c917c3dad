using Img.Engine.Registry.Credentials;

namespace Img.Engine.Tests.Registry;

/// <summary>The same credential for every registry.</summary>
internal sealed class StaticCredentials(RegistryCredential credential) : ICredentialStore
{
    public ValueTask<RegistryCredential?> GetAsync(string registry, CancellationToken ct) => new(credential);
}
