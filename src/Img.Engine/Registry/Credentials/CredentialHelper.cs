using System.Diagnostics;
using System.Text.Json;

namespace Img.Engine.Registry.Credentials;

/// <summary>
/// A docker credential helper, the program <c>docker-credential-NAME</c> on PATH. The protocol:
/// the verb (<c>get</c>, <c>store</c>, <c>erase</c>) is the only argument; the server URL (or, for
/// <c>store</c>, a JSON object <c>{ServerURL, Username, Secret}</c>) goes to stdin; <c>get</c> prints
/// <c>{ServerURL, Username, Secret}</c>. A username of <c>&lt;token&gt;</c> means the secret is an
/// identity token. Secrets travel only through the pipes, never argv or logs.
/// </summary>
public sealed class CredentialHelper
{
    private const string TokenUsername = "<token>";

    public CredentialHelper(string name, TimeSpan? timeout = null)
    {
        if (string.IsNullOrWhiteSpace(name) || name.IndexOfAny(['/', '\\', ' ']) >= 0)
            throw new ArgumentException($"invalid credential helper name \"{name}\"", nameof(name));
        Name = name;
        Timeout = timeout ?? TimeSpan.FromSeconds(60);
    }

    public string Name { get; }
    public string Program => $"docker-credential-{Name}";
    public TimeSpan Timeout { get; }

    /// <summary>The credential for <paramref name="serverUrl"/>, or null when the helper has none.</summary>
    public async Task<RegistryCredential?> GetAsync(string serverUrl, CancellationToken ct = default)
    {
        var (exit, stdout, stderr) = await RunAsync("get", serverUrl, ct).ConfigureAwait(false);
        if (exit != 0)
        {
            if (IsNotFound(stdout) || IsNotFound(stderr)) return null;
            throw Failure("get", exit, stdout, stderr);
        }
        try
        {
            using var doc = JsonDocument.Parse(stdout);
            var root = doc.RootElement;
            var user = root.TryGetProperty("Username", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString() ?? "" : "";
            var secret = root.TryGetProperty("Secret", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() ?? "" : "";
            if (user.Length == 0 && secret.Length == 0) return null;
            return user == TokenUsername ? RegistryCredential.FromIdentityToken(secret) : new RegistryCredential(user, secret);
        }
        catch (JsonException)
        {
            throw new InvalidOperationException($"credential helper {Program} printed invalid JSON for get");
        }
    }

    public async Task StoreAsync(string serverUrl, RegistryCredential credential, CancellationToken ct = default)
    {
        var payload = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["ServerURL"] = serverUrl,
            ["Username"] = credential.HasIdentityToken ? TokenUsername : credential.Username,
            ["Secret"] = credential.HasIdentityToken ? credential.IdentityToken! : credential.Password,
        });
        var (exit, stdout, stderr) = await RunAsync("store", payload, ct).ConfigureAwait(false);
        if (exit != 0) throw Failure("store", exit, stdout, stderr);
    }

    /// <summary>Removes the credential; a helper that has none is not an error.</summary>
    public async Task EraseAsync(string serverUrl, CancellationToken ct = default)
    {
        var (exit, stdout, stderr) = await RunAsync("erase", serverUrl, ct).ConfigureAwait(false);
        if (exit != 0 && !IsNotFound(stdout) && !IsNotFound(stderr)) throw Failure("erase", exit, stdout, stderr);
    }

    private static bool IsNotFound(string output) =>
        output.Contains("credentials not found", StringComparison.OrdinalIgnoreCase);

    private InvalidOperationException Failure(string verb, int exit, string stdout, string stderr)
    {
        // Helpers print their error on stdout; what they print on failure is a message, not a secret.
        var detail = (stderr.Trim().Length > 0 ? stderr : stdout).Trim();
        if (detail.Length > 500) detail = detail[..500];
        return new InvalidOperationException($"credential helper {Program} {verb} failed (exit {exit}): {detail}");
    }

    private async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string verb, string input, CancellationToken ct)
    {
        var start = new ProcessStartInfo(Program, verb)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {Program}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException(
                $"credential helper {Program} not found on PATH (configured in config.json): {e.Message}", e);
        }
        using (process)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(Timeout);
            try
            {
                var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
                var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
                try
                {
                    await process.StandardInput.WriteAsync(input.AsMemory(), timeout.Token).ConfigureAwait(false);
                    process.StandardInput.Close();
                }
                catch (IOException)
                {
                    // The helper exited without reading stdin; its exit code tells the rest.
                }
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
                return (process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"credential helper {Program} {verb} did not finish within {Timeout.TotalSeconds:0} s");
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }
        }
    }
}
