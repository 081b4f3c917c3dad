namespace Img.Engine.Tests.Fixtures;

/// <summary>
/// Puts a shell script named <c>docker-credential-test</c> on PATH for the test run. It keeps
/// what <c>store</c> receives in a state directory (one file per server URL), prints it back on
/// <c>get</c>, says "credentials not found" otherwise, and appends every argv to a log so tests
/// can check that no secret is passed as an argument.
/// </summary>
public sealed class FakeCredentialHelper : IDisposable
{
    public const string Name = "test";
    public FakeCredentialHelper()
    {
        Directory.CreateDirectory(StateDirectory);
        Directory.CreateDirectory(BinDirectory);
        var script = Path.Combine(BinDirectory, $"docker-credential-{Name}");
        File.WriteAllText(script, $$"""
            #!/bin/sh
            state='{{StateDirectory}}'
            echo "$@" >> '{{ArgvLog}}'
            key() { printf '%s' "$1" | sha256sum | cut -c1-32; }
            case "$1" in
              get)
                server=$(cat)
                f="$state/$(key "$server")"
                if [ -f "$f" ]; then cat "$f"; else echo "credentials not found in native keychain"; exit 1; fi ;;
              store)
                payload=$(cat)
                server=$(printf '%s' "$payload" | sed -n 's/.*"ServerURL":"\([^"]*\)".*/\1/p')
                printf '%s' "$payload" > "$state/$(key "$server")" ;;
              erase)
                server=$(cat)
                f="$state/$(key "$server")"
                if [ -f "$f" ]; then rm -f "$f"; else echo "credentials not found in native keychain"; exit 1; fi ;;
              *) echo "unknown verb $1"; exit 2 ;;
            esac
            """.Replace("\r\n", "\n"));
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("credential helper tests need a Unix shell");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Environment.SetEnvironmentVariable("PATH", $"{BinDirectory}:{Environment.GetEnvironmentVariable("PATH")}");
    }

    public string Root { get; } = Path.Combine(Path.GetTempPath(), $"img-credhelper-{Guid.NewGuid():N}");
    public string BinDirectory => Path.Combine(Root, "bin");
    public string StateDirectory => Path.Combine(Root, "state");
    public string ArgvLog => Path.Combine(Root, "argv.log");

    /// <summary>Seeds a credential as if <c>store</c> had been called.</summary>
    public void Seed(string serverUrl, string username, string secret)
    {
        var payload = System.Text.Json.JsonSerializer.Serialize(new { ServerURL = serverUrl, Username = username, Secret = secret });
        var key = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(serverUrl)))[..32];
        File.WriteAllText(Path.Combine(StateDirectory, key), payload);
    }

    public void Dispose()
    {
        var current = Environment.GetEnvironmentVariable("PATH") ?? "";
        Environment.SetEnvironmentVariable("PATH", current.Replace($"{BinDirectory}:", ""));
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { }
    }
}
