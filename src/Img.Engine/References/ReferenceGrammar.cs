using System.Text.RegularExpressions;

namespace Img.Engine.References;

/// <summary>
/// The reference grammar of docker's distribution/reference, as .NET regular expressions
/// (ASCII-only classes, anchored with <c>\z</c> so a trailing newline never matches).
/// </summary>
internal static partial class ReferenceGrammar
{
    private const string Alphanumeric = "[a-z0-9]+";
    private const string Separator = "(?:[._]|__|[-]+)";
    private const string PathComponent = Alphanumeric + "(?:" + Separator + Alphanumeric + ")*";
    private const string RemoteName = PathComponent + "(?:/" + PathComponent + ")*";
    private const string DomainNameComponent = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    private const string DomainName = DomainNameComponent + @"(?:\." + DomainNameComponent + ")*";
    private const string Ipv6Address = @"\[(?:[a-fA-F0-9:]+)\]";
    private const string Host = "(?:" + DomainName + "|" + Ipv6Address + ")";
    private const string DomainAndPort = Host + "(?::[0-9]+)?";
    private const string Tag = "[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}";
    private const string DigestPattern = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}";
    private const string Name = "(?:" + DomainAndPort + "/)?" + RemoteName;

    /// <summary>Groups: 1 name, 2 tag, 3 digest.</summary>
    [GeneratedRegex("^(" + Name + ")(?::(" + Tag + "))?(?:@(" + DigestPattern + "))?\\z", RegexOptions.CultureInvariant)]
    internal static partial Regex Reference();

    /// <summary>Groups: 1 domain (optional), 2 remote name.</summary>
    [GeneratedRegex("^(?:(" + DomainAndPort + ")/)?(" + RemoteName + ")\\z", RegexOptions.CultureInvariant)]
    internal static partial Regex AnchoredName();

    [GeneratedRegex("^" + Tag + "\\z", RegexOptions.CultureInvariant)]
    internal static partial Regex AnchoredTag();

    [GeneratedRegex("^[a-f0-9]{64}\\z", RegexOptions.CultureInvariant)]
    internal static partial Regex AnchoredIdentifier();
}
