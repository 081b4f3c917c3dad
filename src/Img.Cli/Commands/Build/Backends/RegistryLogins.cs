using Img.Engine.Registry.Credentials;
using Img.Messages.Client;

namespace Img.Cli.Commands.Build.Backends;

/// <summary>The client's logins for the registries a push goes to, carried to the node that pushes (for that push only).</summary>
internal static class RegistryLogins
{
    public static async Task<IReadOnlyList<RegistryLogin>> ForAsync(IEnumerable<string> registries, ICredentialStore? store, CancellationToken cancellationToken)
    {
        var logins = new List<RegistryLogin>();
        if (store is null)
            return logins;
        foreach (var registry in registries)
        {
            if (await store.GetAsync(registry, cancellationToken) is { } credential)
                logins.Add(new RegistryLogin(registry, credential.Username, credential.Password, credential.IdentityToken ?? ""));
        }
        return logins;
    }
}
