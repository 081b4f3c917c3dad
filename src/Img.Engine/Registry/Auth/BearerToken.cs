namespace Img.Engine.Registry.Auth;

/// <summary>A bearer token from a token service and the time it stops being usable.</summary>
public sealed record BearerToken(string Token, DateTimeOffset ExpiresAt)
{
    /// <summary>Tokens are refreshed this long before they expire, so a request never races expiry.</summary>
    public static readonly TimeSpan RefreshMargin = TimeSpan.FromSeconds(10);

    public bool IsFresh(DateTimeOffset now) => now < ExpiresAt - RefreshMargin;

    public override string ToString() => $"BearerToken(expires {ExpiresAt:O})";
}
