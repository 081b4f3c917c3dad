using Img.Engine.Mounts;

namespace Img.Engine.Registry.Tls;

/// <summary>
/// Where per-registry TLS files live, as docker keeps them: <c>/etc/docker/certs.d</c> for real
/// root; for everyone else (rootless img, like rootless dockerd) <c>$XDG_CONFIG_HOME/docker/certs.d</c>,
/// else <c>~/.config/docker/certs.d</c>. <c>IMG_CERTS_D</c> overrides both (tests, unusual setups).
/// Inside img's own user namespace the uid is 0 but the files are the invoking user's, hence "real"
/// root (uid 0 in the initial namespace) decides.
/// </summary>
public static class CertsDirectory
{
    public const string EnvironmentVariable = "IMG_CERTS_D";
    public const string RootDefault = "/etc/docker/certs.d";

    private static readonly Lazy<string?> Resolved = new(() => Resolve(Environment.GetEnvironmentVariable,
        UserNamespace.IsRealRoot, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile)));

    /// <summary>This process's certs.d root (null when there is no home to put it in).</summary>
    public static string? Default => Resolved.Value;

    /// <summary>The resolution rule with its inputs made explicit.</summary>
    public static string? Resolve(Func<string, string?> getEnvironmentVariable, bool realRoot, string home)
    {
        var fromEnvironment = getEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(fromEnvironment)) return Path.GetFullPath(fromEnvironment);
        if (realRoot) return RootDefault;
        var xdg = getEnvironmentVariable("XDG_CONFIG_HOME");
        if (!string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg)) return Path.Combine(xdg, "docker", "certs.d");
        return string.IsNullOrEmpty(home) ? null : Path.Combine(home, ".config", "docker", "certs.d");
    }

    /// <summary>The directory docker reads for <paramref name="registry"/> (<c>host[:port]</c> as references spell it).</summary>
    public static string HostDirectory(string root, string registry) =>
        Path.Combine(root, registry); // the colon of host:port stays, as docker names it
}
