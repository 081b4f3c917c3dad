namespace Img.Engine.Registry.Credentials;

/// <summary>
/// Looks up the credential for a registry, by its reference domain (<c>docker.io</c>,
/// <c>127.0.0.1:5000</c>). Returns null when the user is not logged in there.
/// </summary>
public interface ICredentialStore
{
    ValueTask<RegistryCredential?> GetAsync(string registry, CancellationToken ct);
}
