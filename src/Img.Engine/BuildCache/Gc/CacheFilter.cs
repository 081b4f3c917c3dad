using System.Text.RegularExpressions;

namespace Img.Engine.BuildCache.Gc;

/// <summary>
/// A gc policy's <c>filters</c>, in containerd's filter syntax as BuildKit reads them: each string
/// is selectors joined by <c>,</c> (all must match), the strings are alternatives (any may match;
/// none = everything). A selector is <c>field</c> (present/true), <c>field==value</c>,
/// <c>field!=value</c> or <c>field~=regexp</c>; values may be quoted. Fields: <c>id</c>,
/// <c>description</c>, <c>type</c> (<c>regular</c>, <c>source.local</c>, <c>exec.cachemount</c>,
/// <c>source.git.checkout</c>, <c>internal</c>, <c>frontend</c>), <c>parents</c>, <c>inuse</c>,
/// <c>mutable</c>, <c>immutable</c>, <c>shared</c>, <c>private</c>.
/// </summary>
public sealed class CacheFilter
{
    private static readonly string[] Fields = ["id", "parents", "description", "inuse", "mutable", "immutable", "type", "shared", "private"];
    private readonly IReadOnlyList<IReadOnlyList<Selector>> _alternatives;

    private CacheFilter(IReadOnlyList<IReadOnlyList<Selector>> alternatives) => _alternatives = alternatives;

    /// <exception cref="FormatException">A filter that does not parse (the message names it).</exception>
    public static CacheFilter ParseAll(IReadOnlyList<string> filters) =>
        new(filters.Select(f => (IReadOnlyList<Selector>)f.Split(',').Select(s => Selector.Parse(s.Trim(), f)).ToList()).ToList());

    public bool Matches(BuildCacheEntry entry) =>
        _alternatives.Count == 0 || _alternatives.Any(all => all.All(s => s.Matches(entry)));

    /// <summary>BuildKit's record type of an entry.</summary>
    public static string RecordType(BuildCacheEntry entry) => entry.Type switch
    {
        BuildCacheEntryType.SourceLocal => "source.local",
        BuildCacheEntryType.ExecCacheMount => "exec.cachemount",
        _ => "regular",
    };

    private static (string Value, bool Present) Field(BuildCacheEntry e, string field) => field switch
    {
        "id" => (e.Id, e.Id.Length > 0),
        "parents" => (string.Join(';', e.Lowers), e.Lowers.Any()),
        "description" => (e.Description, e.Description.Length > 0),
        "inuse" => ("", e.InUse),
        "mutable" => ("", e.Type == BuildCacheEntryType.ExecCacheMount),
        "immutable" => ("", e.Type != BuildCacheEntryType.ExecCacheMount),
        "type" => (RecordType(e), true),
        "shared" => ("", e.Internal),
        "private" => ("", !e.Internal),
        _ => ("", false),
    };

    private sealed record Selector(string Field, string Operator, string Value, Regex? Pattern)
    {
        public static Selector Parse(string text, string filter)
        {
            var m = Regex.Match(text, @"^([A-Za-z][A-Za-z0-9_.]*)\s*(?:(==|!=|~=)\s*(.*))?$");
            if (!m.Success)
                throw new FormatException($"invalid filter \"{filter}\": cannot parse \"{text}\"");
            var field = m.Groups[1].Value;
            if (!Fields.Contains(field))
                throw new FormatException($"invalid filter \"{filter}\": unknown field \"{field}\" (one of {string.Join(", ", Fields)})");
            var op = m.Groups[2].Success ? m.Groups[2].Value : "";
            var value = m.Groups[3].Success ? Unquote(m.Groups[3].Value.Trim()) : "";
            Regex? pattern = null;
            if (op == "~=")
            {
                try
                {
                    pattern = new Regex(value);
                }
                catch (ArgumentException e)
                {
                    throw new FormatException($"invalid filter \"{filter}\": {e.Message}");
                }
            }
            return new Selector(field, op, value, pattern);
        }

        public bool Matches(BuildCacheEntry entry)
        {
            var (value, present) = CacheFilter.Field(entry, Field);
            if (!present)
                return false;
            return Operator switch
            {
                "==" => value == Value,
                "!=" => value != Value,
                "~=" => Pattern!.IsMatch(value),
                _ => true,
            };
        }

        private static string Unquote(string s) =>
            s.Length >= 2 && (s[0] == '"' && s[^1] == '"' || s[0] == '\'' && s[^1] == '\'') ? s[1..^1] : s;
    }
}
