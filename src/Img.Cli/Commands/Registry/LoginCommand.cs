using Img.Cli.CommandLine;
using Img.Engine.Registry;
using Img.Engine.Registry.Credentials;

namespace Img.Cli.Commands.Registry;

/// <summary>
/// <c>img login [-u USER] [-p PASS | --password-stdin] [SERVER]</c>, as <c>docker login</c>:
/// the server defaults to Docker Hub (<c>https://index.docker.io/v1/</c>); missing username or
/// password are prompted for on a terminal (the password without echo); with neither given, a
/// stored login is tried first. The credential is checked against the registry before it is
/// stored, through the configured credential helper or else as <c>auth</c> in
/// <c>config.json</c> (0600). The password is never printed.
/// </summary>
public sealed class LoginCommand : ICommand
{
    private static readonly FlagSpec Username = new("username", 'u', true, "Username");
    private static readonly FlagSpec Password = new("password", 'p', true, "Password or Personal Access Token (PAT)");
    private static readonly FlagSpec PasswordStdin = new("password-stdin", null, false, "Take the Password or Personal Access Token (PAT) from stdin");

    public string Name => "login";
    public string Usage => "[OPTIONS] [SERVER]";
    public string Summary => "Authenticate to a registry";
    public IReadOnlyList<FlagSpec> Flags => [Password, PasswordStdin, Username, RegistryAccess.InsecureRegistry];

    public async Task<int> RunAsync(CommandContext context, ParsedArgs args, CancellationToken cancellationToken)
    {
        if (args.Positionals.Count > 1)
            throw UsageException.Arguments("\"img login\" requires at most 1 argument.", Name);
        var username = args.Value(Username.Name)?.Trim() ?? "";
        var password = args.Value(Password.Name) ?? "";
        var fromStdin = args.Bool(PasswordStdin.Name);
        if (args.Has(Password.Name))
        {
            await context.Error.WriteLineAsync("WARNING! Using --password via the CLI is insecure. Use --password-stdin.");
            if (fromStdin) throw new UserFacingException("--password and --password-stdin are mutually exclusive");
        }
        if (fromStdin)
        {
            if (username.Length == 0) throw new UserFacingException("Must provide --username with --password-stdin");
            password = await ReadStdinPasswordAsync(context, cancellationToken);
        }

        var server = args.Positionals.Count == 1 ? args.Positionals[0] : RegistryEndpoint.DockerHub;
        var registry = RegistryServerKey.Hostname(server);
        if (registry.Length == 0) throw new UserFacingException($"invalid registry address \"{server}\"");

        try
        {
            using var clients = RegistryAccess.Clients(context, args);
            var store = RegistryAccess.Credentials(context);
            RegistryClient client;
            try
            {
                client = clients.Get(registry);
            }
            catch (ArgumentException)
            {
                throw new UserFacingException($"invalid registry address \"{server}\"");
            }

            if (username.Length == 0 && password.Length == 0
                && await store.GetAsync(registry, cancellationToken) is { } stored
                && await TryStoredAsync(context, client, stored, cancellationToken))
            {
                await context.Out.WriteLineAsync("Login Succeeded");
                return 0;
            }

            var credential = Prompt(context, store, registry, username, password);
            try
            {
                await client.CheckCredentialsAsync(credential, cancellationToken);
            }
            catch (RegistryException e) when (e.Kind == RegistryErrorKind.Unauthorized)
            {
                throw new UserFacingException($"login to {registry} failed: unauthorized: incorrect username or password", 1, e);
            }

            var helper = DockerConfigFile.Load(store.ConfigPath).HelperFor(registry);
            try
            {
                await store.StoreAsync(registry, credential, cancellationToken);
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException or TimeoutException)
            {
                throw new UserFacingException($"Error saving credentials: {e.Message}", 1, e);
            }
            if (helper is null)
            {
                await context.Error.WriteLineAsync(
                    $"WARNING! Your password will be stored unencrypted in {store.ConfigPath}.\n" +
                    "Configure a credential helper to remove this warning. See\n" +
                    "https://docs.docker.com/go/credential-store/\n");
            }
            await context.Out.WriteLineAsync("Login Succeeded");
            return 0;
        }
        catch (Exception e) when (RegistryAccess.ToUserFacing(e) is { } userFacing)
        {
            throw userFacing;
        }
    }

    /// <summary>docker reads the whole of stdin and drops one trailing newline (and carriage return).</summary>
    private static async Task<string> ReadStdinPasswordAsync(CommandContext context, CancellationToken cancellationToken)
    {
        await using var stdin = context.OpenStdin();
        using var reader = new StreamReader(stdin);
        var text = await reader.ReadToEndAsync(cancellationToken);
        if (text.EndsWith('\n')) text = text[..^1];
        if (text.EndsWith('\r')) text = text[..^1];
        return text;
    }

    /// <summary>Re-checks a stored login, as docker does when <c>login</c> gets no username or password.</summary>
    private static async Task<bool> TryStoredAsync(CommandContext context, RegistryClient client, RegistryCredential stored,
        CancellationToken cancellationToken)
    {
        await context.Out.WriteLineAsync(stored.Username.Length > 0
            ? $"Authenticating with existing credentials... [Username: {stored.Username}]"
            : "Authenticating with existing credentials...");
        try
        {
            await client.CheckCredentialsAsync(stored, cancellationToken);
            return true;
        }
        catch (RegistryException e) when (e.Kind is RegistryErrorKind.Unauthorized or RegistryErrorKind.Denied)
        {
            await context.Error.WriteLineAsync($"Login did not succeed, error: {e.Message}");
            return false;
        }
    }

    /// <summary>Fills in a missing username or password from the terminal; without one, says so.</summary>
    private static RegistryCredential Prompt(CommandContext context, DockerConfigCredentialStore store, string registry,
        string username, string password)
    {
        if (username.Length > 0 && password.Length > 0) return new RegistryCredential(username, password);
        var terminal = context.Terminal
            ?? throw new UserFacingException("Cannot perform an interactive login from a non TTY device");
        if (username.Length == 0)
        {
            var known = DockerConfigFile.Load(store.ConfigPath).FindAuth(registry)?.Username;
            var prompt = string.IsNullOrEmpty(known) ? "Username: " : $"Username ({known}): ";
            username = terminal.ReadLine(prompt)?.Trim() ?? "";
            if (username.Length == 0) username = known ?? "";
            if (username.Length == 0) throw new UserFacingException("Non-null Username Required");
        }
        if (password.Length == 0)
        {
            password = terminal.ReadSecret("Password: ") ?? "";
            if (password.Length == 0) throw new UserFacingException("Password Required");
        }
        return new RegistryCredential(username, password);
    }
}
