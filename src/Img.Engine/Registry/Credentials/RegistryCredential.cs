namespace Img.Engine.Registry.Credentials;

/// <summary>
/// What a user logged in with: a username and password, or an identity token (an OAuth refresh
/// token; docker writes it as <c>identitytoken</c>). <see cref="ToString"/> never shows secrets.
/// </summary>
public sealed record RegistryCredential(string Username, string Password, string? IdentityToken = null)
{
    public static RegistryCredential FromIdentityToken(string token) => new("", "", token);

    public bool HasIdentityToken => !string.IsNullOrEmpty(IdentityToken);

    public override string ToString() =>
        HasIdentityToken ? "RegistryCredential(identity token)" : $"RegistryCredential({Username}, password hidden)";
}
