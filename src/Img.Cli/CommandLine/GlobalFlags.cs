namespace Img.Cli.CommandLine;

/// <summary>Flags every command accepts, before or after the command name.</summary>
public static class GlobalFlags
{
    public static readonly FlagSpec State = new("state", 's', true, "Directory to hold the global state (default /var/lib/img as root, else ~/.local/share/img; env IMG_STATE)", ValueName: "DIR");
    public static readonly FlagSpec Debug = new("debug", 'D', false, "Enable debug output");
    public static readonly FlagSpec Help = new("help", 'h', false, "Print usage");
    public static readonly FlagSpec Version = new("version", 'v', false, "Print version information and quit");

    public static readonly IReadOnlyList<FlagSpec> All = [State, Debug, Help];

    /// <summary>
    /// Flags only the root accepts, before the command name (docker's <c>-v</c>/<c>--version</c>:
    /// <c>docker build -v</c> is an unknown shorthand flag, as here).
    /// </summary>
    public static readonly IReadOnlyList<FlagSpec> RootOnly = [Version];
}
