namespace Img.Engine.Registry.Auth;

/// <summary>
/// A token scope, <c>type:name:action,action</c>, e.g. <c>repository:library/busybox:pull,push</c>.
/// The name may itself contain a colon (a registry host with a port), so parsing splits on the
/// first and the last colon.
/// </summary>
public sealed record AuthScope(string ResourceType, string Name, IReadOnlyList<string> Actions)
{
    public static AuthScope Pull(string repository) => new("repository", repository, ["pull"]);
    public static AuthScope PullPush(string repository) => new("repository", repository, ["pull", "push"]);

    public override string ToString() => $"{ResourceType}:{Name}:{string.Join(',', Actions)}";

    public static AuthScope Parse(string scope)
    {
        var first = scope.IndexOf(':');
        var last = scope.LastIndexOf(':');
        if (first <= 0 || last == first)
            throw new FormatException($"invalid token scope \"{scope}\"");
        return new AuthScope(scope[..first], scope[(first + 1)..last],
            scope[(last + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>
    /// Merges scopes on the same resource (union of actions, sorted) and orders the result, so that
    /// equal requests give equal token-cache keys.
    /// </summary>
    public static IReadOnlyList<string> Normalize(IEnumerable<string> scopes)
    {
        var merged = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var raw in scopes)
        {
            var s = Parse(raw);
            var key = $"{s.ResourceType}:{s.Name}";
            if (!merged.TryGetValue(key, out var actions))
                merged[key] = actions = new SortedSet<string>(StringComparer.Ordinal);
            actions.UnionWith(s.Actions);
        }
        return merged.Select(kv => $"{kv.Key}:{string.Join(',', kv.Value)}").ToList();
    }
}
