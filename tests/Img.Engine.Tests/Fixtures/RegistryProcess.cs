using System.Diagnostics;
using System.Text;

namespace Img.Engine.Tests.Fixtures;

/// <summary>
/// One Debian <c>docker-registry</c> (distribution v2.8) serving plain HTTP (or TLS) on 127.0.0.1 with
/// filesystem storage in a temp directory. <see cref="StartAsync"/> returns once <c>/v2/</c>
/// answers; <see cref="DisposeAsync"/> kills the process and deletes the directory.
/// </summary>
public sealed class RegistryProcess : IAsyncDisposable
{
    public const string Binary = "/usr/bin/docker-registry";
    public const string InstallHint = "apt-get install -y docker-registry apache2-utils skopeo";

    private readonly Process _process;
    private readonly string _logPath;
    /// <summary>Serving TLS: readiness is a TCP accept (a handshake may need a client certificate).</summary>
    private bool _tls;

    private RegistryProcess(string name, string directory, int port, Process process, string logPath)
    {
        Name = name;
        Directory = directory;
        Port = port;
        _process = process;
        _logPath = logPath;
    }

    public string Name { get; }
    public string Directory { get; }
    public int Port { get; }
    /// <summary>The registry as references name it: <c>127.0.0.1:PORT</c>.</summary>
    public string Host => $"127.0.0.1:{Port}";
    public string StorageRoot => Path.Combine(Directory, "storage");

    /// <summary>Where the filesystem driver keeps a blob's bytes (tests corrupt it there).</summary>
    public string BlobDataPath(string digest)
    {
        var hex = digest["sha256:".Length..];
        return Path.Combine(StorageRoot, "docker", "registry", "v2", "blobs", "sha256", hex[..2], hex, "data");
    }

    public string Log => File.Exists(_logPath) ? File.ReadAllText(_logPath) : "";

    /// <summary>
    /// Starts a registry; <paramref name="authYaml"/> is the <c>auth:</c> section, indented, or null
    /// for none; <paramref name="tlsYaml"/> the <c>http.tls:</c> section's body indented by four, or
    /// null for plain HTTP.
    /// </summary>
    /// <summary>
    /// Waits for registries started together; every one that did start is added to
    /// <paramref name="owned"/> even when another failed, so the fixture's teardown stops it.
    /// </summary>
    public static async Task<RegistryProcess[]> StartAllAsync(ICollection<IAsyncDisposable> owned, params Task<RegistryProcess>[] starts)
    {
        try
        {
            return await Task.WhenAll(starts);
        }
        finally
        {
            foreach (var s in starts.Where(s => s.IsCompletedSuccessfully)) owned.Add(s.Result);
        }
    }

    public static async Task<RegistryProcess> StartAsync(string name, string parentDirectory, string? authYaml, string? tlsYaml = null)
    {
        if (!File.Exists(Binary))
            throw new InvalidOperationException(
                $"{Binary} is missing: the registry tests need a real registry. Install it with: {InstallHint}");
        var directory = Path.Combine(parentDirectory, name);
        System.IO.Directory.CreateDirectory(Path.Combine(directory, "storage"));
        var port = FreePort.Next();
        var config = new StringBuilder()
            .AppendLine("version: 0.1")
            .AppendLine("log:")
            .AppendLine("  level: info")
            .AppendLine("  accesslog:")
            .AppendLine("    disabled: true")
            .AppendLine("storage:")
            .AppendLine("  filesystem:")
            .AppendLine($"    rootdirectory: {Path.Combine(directory, "storage")}")
            .AppendLine("  delete:")
            .AppendLine("    enabled: true")
            .AppendLine("  maintenance:")
            .AppendLine("    uploadpurging:")
            .AppendLine("      enabled: false")
            .AppendLine("http:")
            .AppendLine($"  addr: 127.0.0.1:{port}")
            .AppendLine("  secret: img-test-secret");
        if (tlsYaml is not null) config.AppendLine("  tls:").Append(tlsYaml);
        if (authYaml is not null) config.AppendLine("auth:").Append(authYaml);
        var configPath = Path.Combine(directory, "config.yml");
        await File.WriteAllTextAsync(configPath, config.ToString());

        var logPath = Path.Combine(directory, "registry.log");
        var start = new ProcessStartInfo(Binary)
        {
            ArgumentList = { "serve", configPath },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {Binary}");
        var log = new StreamWriter(logPath, append: false) { AutoFlush = true };
        var gate = new object();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (gate) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (gate) log.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var registry = new RegistryProcess(name, directory, port, process, logPath) { _tls = tlsYaml is not null };
        try
        {
            await registry.WaitReadyAsync(TimeSpan.FromSeconds(30));
        }
        catch
        {
            await registry.DisposeAsync();
            throw;
        }
        return registry;
    }

    private async Task WaitReadyAsync(TimeSpan limit)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"registry {Name} exited with {_process.ExitCode} while starting:\n{Log}");
            try
            {
                if (_tls)
                {
                    using var tcp = new System.Net.Sockets.TcpClient();
                    await tcp.ConnectAsync("127.0.0.1", Port);
                    return;
                }
                using var response = await http.GetAsync($"http://{Host}/v2/");
                return; // 200 or 401: it is serving
            }
            catch (System.Net.Sockets.SocketException)
            {
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"registry {Name} not ready on {Host} after {limit.TotalSeconds} s:\n{Log}");
            await Task.Delay(50);
        }
    }

    public override string ToString() => $"registry {Name} on {Host}";

    /// <summary>Kills and reaps the registry, then deletes its directory, whatever fails on the way.</summary>
    public async ValueTask DisposeAsync()
    {
        var teardown = new Teardown();
        await teardown.KillAsync($"kill {this}", _process);
        teardown.Run($"release {this}", _process.Dispose);
        await teardown.DeleteDirectoryAsync(Directory);
        teardown.ThrowIfFailed(ToString());
    }
}
