using Img.Cli.CommandLine;
using Img.Engine.Registry;
using Img.Engine.Registry.Credentials;

namespace Img.Cli.Commands.Registry;

/// <summary>
/// <c>img logout [SERVER]</c>, as <c>docker logout</c>: when <c>config.json</c> has a login for the
/// server (Docker Hub by default), prints <c>Removing login credentials for SERVER</c> and erases
/// it, from the credential helper too; otherwise prints <c>Not logged in to SERVER</c>. Both exit 0.
/// </summary>
public sealed class LogoutCommand : ICommand
{
    public string Name => "logout";
    public string Usage => "[SERVER]";
    public string Summary => "Log out from a registry";
    public IReadOnlyList<FlagSpec> Flags => [];

    public async Task<int> RunAsync(CommandContext context, ParsedArgs args, CancellationToken cancellationToken)
    {
        if (args.Positionals.Count > 1)
            throw UsageException.Arguments("\"img logout\" requires at most 1 argument.", Name);
        var registry = RegistryServerKey.Hostname(args.Positionals.Count == 1 ? args.Positionals[0] : RegistryEndpoint.DockerHub);
        // docker names Hub by its config key and other registries by host.
        var shown = RegistryEndpoint.IsDockerHub(registry) ? RegistryServerKey.DockerHubKey : registry;
        try
        {
            var store = RegistryAccess.Credentials(context);
            var loggedIn = DockerConfigFile.Load(store.ConfigPath).AuthKeys.Any(k => RegistryServerKey.Matches(k, registry));
            if (!loggedIn)
            {
                await context.Out.WriteLineAsync($"Not logged in to {shown}");
                return 0;
            }
            await context.Out.WriteLineAsync($"Removing login credentials for {shown}");
            try
            {
                await store.EraseAsync(registry, cancellationToken);
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException)
            {
                await context.Error.WriteLineAsync($"WARNING: could not erase credentials: {e.Message}");
            }
            return 0;
        }
        catch (Exception e) when (RegistryAccess.ToUserFacing(e) is { } userFacing)
        {
            throw userFacing;
        }
    }
}
