using System.Text;
using System.Text.Json.Nodes;
using Img.Engine.Tests.Fixtures;

namespace Img.Cli.Tests.Registry;

/// <summary><c>img login</c> and <c>img logout</c> against the real htpasswd and token registries.</summary>
[Collection(RegistryCollection.Name)]
public sealed class LoginCommandTests(RegistryFixture registries) : IDisposable
{
    private const string User = RegistryFixture.User;
    private const string Password = RegistryFixture.Password;
    private readonly CliSession _cli = new();

    public void Dispose() => _cli.Dispose();

    private static void AssertNoPassword(AppRunner.Result result, string password = Password)
    {
        Assert.DoesNotContain(password, result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(password, result.Error, StringComparison.Ordinal);
    }

    private static UnixFileMode ModeOf(string path) =>
        OperatingSystem.IsWindows() ? throw new PlatformNotSupportedException("file modes are Unix-only") : File.GetUnixFileMode(path);

    private JsonObject Config() => (JsonObject)JsonNode.Parse(File.ReadAllText(_cli.ConfigPath))!;

    private static string BasicAuth(string user, string password) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));

    [Fact]
    public async Task Login_with_password_flag_warns_checks_and_stores_auth_0600()
    {
        var host = registries.Basic.Host;
        var result = await _cli.RunAsync("login", "-u", User, "-p", Password, host);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal("Login Succeeded\n", result.Out);
        Assert.Contains("WARNING! Using --password via the CLI is insecure. Use --password-stdin.", result.Error);
        Assert.Contains($"WARNING! Your password will be stored unencrypted in {_cli.ConfigPath}.", result.Error);
        AssertNoPassword(result);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, ModeOf(_cli.ConfigPath));
        Assert.Equal(BasicAuth(User, Password), Config()["auths"]![host]!["auth"]!.GetValue<string>());
        Assert.DoesNotContain(Password, await File.ReadAllTextAsync(_cli.ConfigPath), StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_cli.DockerConfigDirectory, "*.tmp"));
    }

    [Fact]
    public async Task Login_with_password_stdin_drops_the_trailing_newline()
    {
        var result = await _cli.RunWithStdinAsync(Password + "\r\n", "login", "--username", User, "--password-stdin", registries.Basic.Host);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal("Login Succeeded\n", result.Out);
        Assert.DoesNotContain("--password via the CLI", result.Error);
        AssertNoPassword(result);
        Assert.Equal(BasicAuth(User, Password), Config()["auths"]![registries.Basic.Host]!["auth"]!.GetValue<string>());
    }

    [Fact]
    public async Task Login_with_a_wrong_password_fails_and_stores_nothing()
    {
        const string wrong = "not-the-Pa55word";
        var result = await _cli.RunWithStdinAsync(wrong, "login", "-u", User, "--password-stdin", registries.Basic.Host);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"ERROR: login to {registries.Basic.Host} failed: unauthorized: incorrect username or password\n", result.Error);
        AssertNoPassword(result, wrong);
        Assert.False(File.Exists(_cli.ConfigPath));
    }

    [Fact]
    public async Task Login_keeps_other_logins_and_a_failed_login_keeps_the_old_one()
    {
        Assert.Equal(0, (await _cli.RunWithStdinAsync(Password, "login", "-u", User, "--password-stdin", registries.Basic.Host)).ExitCode);
        Assert.Equal(0, (await _cli.RunWithStdinAsync(Password, "login", "-u", User, "--password-stdin", registries.Token.Host)).ExitCode);
        var bad = await _cli.RunWithStdinAsync("wrong", "login", "-u", User, "--password-stdin", registries.Basic.Host);

        Assert.Equal(1, bad.ExitCode);
        var auths = Config()["auths"]!.AsObject();
        Assert.Equal(BasicAuth(User, Password), auths[registries.Basic.Host]!["auth"]!.GetValue<string>());
        Assert.Equal(BasicAuth(User, Password), auths[registries.Token.Host]!["auth"]!.GetValue<string>());
    }

    [Fact]
    public async Task Login_to_the_token_registry_checks_the_password_with_the_token_service()
    {
        var good = await _cli.RunWithStdinAsync(Password, "login", "-u", User, "--password-stdin", registries.Token.Host);
        using var other = new CliSession();
        var bad = await other.RunWithStdinAsync("wrong", "login", "-u", User, "--password-stdin", registries.Token.Host);

        Assert.True(good.ExitCode == 0, good.Error);
        Assert.Equal("Login Succeeded\n", good.Out);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("unauthorized: incorrect username or password", bad.Error);
    }

    [Fact]
    public async Task Login_accepts_a_server_written_as_a_url()
    {
        var result = await _cli.RunWithStdinAsync(Password, "login", "-u", User, "--password-stdin", $"http://{registries.Basic.Host}/v2/");

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.NotNull(Config()["auths"]![registries.Basic.Host]);
    }

    [Theory]
    [InlineData(new[] { "login", "--password-stdin" }, "ERROR: Must provide --username with --password-stdin\n")]
    [InlineData(new[] { "login", "-u", "x", "-p", "y", "--password-stdin" }, "ERROR: --password and --password-stdin are mutually exclusive\n")]
    [InlineData(new[] { "login", "-u", "x" }, "ERROR: Cannot perform an interactive login from a non TTY device\n")]
    [InlineData(new[] { "login", "a", "b" }, "\"img login\" requires at most 1 argument.\n\nUsage:  img login [OPTIONS] [SERVER]\n\nAuthenticate to a registry\n")]
    public async Task Login_misuse_is_refused_before_any_network_traffic(string[] args, string expectedEnd)
    {
        var result = await _cli.RunAsync(args);

        Assert.Equal(1, result.ExitCode);
        Assert.EndsWith(expectedEnd, result.Error.Replace("See 'img login --help'.\n", ""));
        Assert.False(File.Exists(_cli.ConfigPath));
    }

    [Fact]
    public async Task Login_with_an_unknown_flag_exits_125()
    {
        var result = await _cli.RunAsync("login", "--bogus");
        Assert.Equal(125, result.ExitCode);
        Assert.Equal("unknown flag: --bogus\nSee 'img login --help'.\n", result.Error);
    }

    [Fact]
    public async Task Login_prompts_on_a_terminal_and_reads_the_password_without_echo()
    {
        _cli.Terminal = new FakeTerminal(User, Password);
        var result = await _cli.RunAsync("login", registries.Basic.Host);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal([("Username: ", false), ("Password: ", true)], _cli.Terminal.Prompts);
        AssertNoPassword(result);
    }

    [Fact]
    public async Task Login_prompt_offers_the_stored_username_and_refuses_empty_answers()
    {
        Assert.Equal(0, (await _cli.RunWithStdinAsync(Password, "login", "-u", User, "--password-stdin", registries.Basic.Host)).ExitCode);

        _cli.Terminal = new FakeTerminal("", "");
        var result = await _cli.RunAsync("login", "-u", User, registries.Basic.Host);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("ERROR: Password Required\n", result.Error);
        Assert.Equal([("Password: ", true)], _cli.Terminal.Prompts);

        _cli.Terminal = new FakeTerminal("");
        var reused = await _cli.RunAsync("login", "-p", Password, registries.Basic.Host);
        Assert.True(reused.ExitCode == 0, reused.Error);
        Assert.Equal([($"Username ({User}): ", false)], _cli.Terminal.Prompts);

        _cli.Terminal = new FakeTerminal("  ");
        var empty = await _cli.RunAsync("login", "-p", Password, registries.Token.Host);
        Assert.Equal(1, empty.ExitCode);
        Assert.EndsWith("ERROR: Non-null Username Required\n", empty.Error);
    }

    [Fact]
    public async Task Login_without_arguments_reuses_a_stored_login_that_still_works()
    {
        Assert.Equal(0, (await _cli.RunWithStdinAsync(Password, "login", "-u", User, "--password-stdin", registries.Basic.Host)).ExitCode);

        var result = await _cli.RunAsync("login", registries.Basic.Host);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal($"Authenticating with existing credentials... [Username: {User}]\nLogin Succeeded\n", result.Out);
    }

    [Fact]
    public async Task Login_stores_through_a_configured_credential_helper_and_config_json_keeps_no_secret()
    {
        using var helper = new FakeCredentialHelper();
        var host = registries.Basic.Host;
        Directory.CreateDirectory(_cli.DockerConfigDirectory);
        await File.WriteAllTextAsync(_cli.ConfigPath, $$"""{"credHelpers":{"{{host}}":"{{FakeCredentialHelper.Name}}"},"detachKeys":"ctrl-x"}""");

        var result = await _cli.RunWithStdinAsync(Password, "login", "-u", User, "--password-stdin", host);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.DoesNotContain("stored unencrypted", result.Error);
        var config = Config();
        Assert.Empty(config["auths"]![host]!.AsObject());
        Assert.Equal("ctrl-x", config["detachKeys"]!.GetValue<string>());
        Assert.DoesNotContain(Password, await File.ReadAllTextAsync(helper.ArgvLog), StringComparison.Ordinal);

        var logout = await _cli.RunAsync("logout", host);
        Assert.Equal($"Removing login credentials for {host}\n", logout.Out);
        Assert.Empty(Directory.GetFiles(helper.StateDirectory));
    }

    [Fact]
    public async Task Logout_removes_the_login_and_then_says_not_logged_in()
    {
        var host = registries.Basic.Host;
        Assert.Equal(0, (await _cli.RunWithStdinAsync(Password, "login", "-u", User, "--password-stdin", host)).ExitCode);
        Assert.Equal(0, (await _cli.RunWithStdinAsync(Password, "login", "-u", User, "--password-stdin", registries.Token.Host)).ExitCode);

        var first = await _cli.RunAsync("logout", host);
        var second = await _cli.RunAsync("logout", host);

        Assert.Equal((0, $"Removing login credentials for {host}\n", ""), (first.ExitCode, first.Out, first.Error));
        Assert.Equal((0, $"Not logged in to {host}\n"), (second.ExitCode, second.Out));
        var auths = Config()["auths"]!.AsObject();
        Assert.Null(auths[host]);
        Assert.NotNull(auths[registries.Token.Host]);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, ModeOf(_cli.ConfigPath));
    }

    [Fact]
    public async Task Logout_defaults_to_docker_hub()
    {
        var result = await _cli.RunAsync("logout");
        Assert.Equal((0, "Not logged in to https://index.docker.io/v1/\n"), (result.ExitCode, result.Out));
    }
}
