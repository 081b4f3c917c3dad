namespace Img.Engine.Registry.Auth;

/// <summary>
/// One challenge of a <c>WWW-Authenticate</c> header: a scheme (<c>Basic</c>, <c>Bearer</c>) and
/// its parameters (<c>realm</c>, <c>service</c>, <c>scope</c>, <c>error</c>), names lower-cased.
/// </summary>
public sealed record AuthChallenge(string Scheme, IReadOnlyDictionary<string, string> Parameters)
{
    public bool IsBearer => Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase);
    public bool IsBasic => Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase);

    public string? Realm => Get("realm");
    public string? Service => Get("service");
    /// <summary>The scopes the server asked for (space-separated in the header), possibly none.</summary>
    public IReadOnlyList<string> Scopes =>
        Get("scope") is { } s ? s.Split(' ', StringSplitOptions.RemoveEmptyEntries) : [];
    public string? Error => Get("error");

    public string? Get(string name) => Parameters.TryGetValue(name.ToLowerInvariant(), out var v) ? v : null;
}
