using Xunit;
using System.Diagnostics;

namespace Img.Engine.Tests.Fixtures;

/// <summary>
/// Three real registries on 127.0.0.1 for the whole <see cref="RegistryCollection"/>:
/// <see cref="Anonymous"/> (no auth), <see cref="Basic"/> (htpasswd, bcrypt) and
/// <see cref="Token"/> (Bearer tokens from <see cref="TokenService"/>). Needs Debian
/// <c>docker-registry</c> and <c>apache2-utils</c>; without them it fails with the install command.
/// </summary>
public sealed class RegistryFixture : IAsyncLifetime
{
    public const string User = "img-user";
    public const string Password = "s3cret-Pa55word";
    public const string IdentityToken = "img-identity-token-0123456789";

    private readonly List<IAsyncDisposable> _owned = [];

    public string Root { get; } = Path.Combine(Path.GetTempPath(), $"img-registry-tests-{Environment.ProcessId}-{Guid.NewGuid():N}");
    public RegistryProcess Anonymous { get; private set; } = null!;
    public RegistryProcess Basic { get; private set; } = null!;
    public RegistryProcess Token { get; private set; } = null!;
    public TokenService TokenService { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Root);
        try
        {
            var htpasswd = Path.Combine(Root, "htpasswd");
            await File.WriteAllTextAsync(htpasswd, await BcryptLineAsync(User, Password));

            TokenService = new TokenService(User, Password, IdentityToken);
            _owned.Add(TokenService);
            var bundle = Path.Combine(Root, "token-root.pem");
            await File.WriteAllTextAsync(bundle, TokenService.RootCertificatePem);

            var started = await RegistryProcess.StartAllAsync(_owned,
                RegistryProcess.StartAsync("anonymous", Root, null),
                RegistryProcess.StartAsync("basic", Root,
                    $"  htpasswd:\n    realm: img-test-basic\n    path: {htpasswd}\n"),
                RegistryProcess.StartAsync("token", Root,
                    $"  token:\n    realm: {TokenService.Realm}\n    service: {TokenService.Service}\n" +
                    $"    issuer: {TokenService.Issuer}\n    rootcertbundle: {bundle}\n"));
            Anonymous = started[0];
            Basic = started[1];
            Token = started[2];
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        var teardown = new Teardown();
        foreach (var owned in _owned)
            await teardown.RunAsync(owned.ToString() ?? "", () => owned.DisposeAsync().AsTask());
        _owned.Clear();
        await teardown.DeleteDirectoryAsync(Root);
        teardown.ThrowIfFailed("registries");
    }

    /// <summary>A bcrypt htpasswd line from <c>htpasswd -nBi</c> (password on stdin, not argv).</summary>
    private static async Task<string> BcryptLineAsync(string user, string password)
    {
        const string tool = "/usr/bin/htpasswd";
        if (!File.Exists(tool))
            throw new InvalidOperationException(
                $"{tool} is missing: the registry tests need it for the htpasswd registry. Install it with: {RegistryProcess.InstallHint}");
        var start = new ProcessStartInfo(tool)
        {
            ArgumentList = { "-nBi", user },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteLineAsync(password);
        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0 || !output.StartsWith(user + ":$2", StringComparison.Ordinal))
            throw new InvalidOperationException($"htpasswd failed ({process.ExitCode}): {error}");
        return output.Trim() + "\n";
    }
}
