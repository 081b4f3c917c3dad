namespace Img.Engine.Registry.Credentials;

/// <summary>
/// One <c>auths</c> entry of config.json, decoded: the <c>auth</c> field is base64 of
/// <c>user:password</c>; plain <c>username</c>/<c>password</c> fields are read too.
/// </summary>
public sealed record AuthEntry(string? Username, string? Password, string? IdentityToken)
{
    public bool IsEmpty => string.IsNullOrEmpty(Username) && string.IsNullOrEmpty(Password) && string.IsNullOrEmpty(IdentityToken);

    public RegistryCredential? ToCredential() => IsEmpty
        ? null
        : new RegistryCredential(Username ?? "", Password ?? "", string.IsNullOrEmpty(IdentityToken) ? null : IdentityToken);

    public override string ToString() => $"AuthEntry({Username}, secrets hidden)";
}
