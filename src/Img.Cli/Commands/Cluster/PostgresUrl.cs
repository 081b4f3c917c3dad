using Img.Cli.CommandLine;
using Img.Coordinator.Hosting;

namespace Img.Cli.Commands.Cluster;

/// <summary><c>--db postgres://USER[:PASSWORD]@HOST[:PORT]/DB</c> as an Npgsql connection string.</summary>
internal static class PostgresUrl
{
    public static (CacheDatabase Database, string? ConnectionString) Parse(string? value, string command)
    {
        if (value is null)
            return (CacheDatabase.Sqlite, null);
        if (!Uri.TryCreate(value, UriKind.Absolute, out var url) || url.Scheme is not ("postgres" or "postgresql") || url.AbsolutePath.Length <= 1)
            throw new UsageException($"invalid argument \"{Redact(value)}\" for \"--db\" flag: expected postgres://USER@HOST:PORT/DB", command);
        var user = Uri.UnescapeDataString(url.UserInfo.Split(':')[0]);
        var password = url.UserInfo.Contains(':', StringComparison.Ordinal) ? Uri.UnescapeDataString(url.UserInfo[(url.UserInfo.IndexOf(':') + 1)..]) : null;
        var parts = new List<string>
        {
            "Host=" + url.Host,
            "Port=" + (url.IsDefaultPort || url.Port < 0 ? 5432 : url.Port),
            "Database=" + Uri.UnescapeDataString(url.AbsolutePath.TrimStart('/')),
        };
        if (user.Length > 0)
            parts.Add("Username=" + user);
        if (password is not null)
            parts.Add("Password=" + password);
        return (CacheDatabase.Postgres, string.Join(';', parts));
    }

    // a password in a URL must not reach a message
    private static string Redact(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var url) && url.UserInfo.Contains(':', StringComparison.Ordinal)
            ? value.Replace(url.UserInfo, url.UserInfo.Split(':')[0] + ":***", StringComparison.Ordinal)
            : value;
}
