using System.Globalization;

namespace Img.Messages.Client;

/// <summary>The <c>HOST:PORT</c> form of cluster addresses (<c>--cluster</c>, <c>--join</c>, <c>--listen</c>, <c>IMG_CLUSTER</c>).</summary>
public static class ClusterAddress
{
    /// <summary>Splits <c>HOST:PORT</c> (IPv6 as <c>[::1]:PORT</c>).</summary>
    /// <exception cref="FormatException">Not <c>HOST:PORT</c> with a port from 1 to 65535 (0 too when <paramref name="allowAnyPort"/>).</exception>
    public static (string Host, int Port) Parse(string address, bool allowAnyPort = false)
    {
        var colon = address.LastIndexOf(':');
        if (colon <= 0 || colon == address.Length - 1)
            throw new FormatException($"invalid address \"{address}\": expected HOST:PORT");
        var host = address[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
            host = host[1..^1];
        if (!int.TryParse(address[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535 || (port == 0 && !allowAnyPort))
            throw new FormatException($"invalid address \"{address}\": the port must be a number from 1 to 65535");
        return (host, port);
    }

    /// <summary>A comma-separated list (<c>--cluster a:1,b:2</c>), each one checked.</summary>
    public static IReadOnlyList<string> ParseList(string list)
    {
        var addresses = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var a in addresses)
            Parse(a);
        return addresses;
    }
}
