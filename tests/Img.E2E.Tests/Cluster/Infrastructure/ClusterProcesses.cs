using System.Diagnostics;
using System.Globalization;
using Img.E2E.Tests.Infrastructure;
using Xunit.Sdk;

namespace Img.E2E.Tests.Cluster.Infrastructure;

/// <summary>
/// A cluster of real processes of the published <c>img</c> for one test: a coordinator (<c>c1</c>,
/// on 127.0.0.1, its three ports below the ephemeral range; <c>--insecure</c>, or secured with the
/// token it creates, see <see cref="ClusterOptions.Secured"/>), optionally a second
/// one (<c>c2 --seed c1</c>) and a PostgreSQL cache, and nodes <c>n1..nN</c> joining through every
/// coordinator, each daemon on its own state directory. <see cref="StartAsync"/> returns once every
/// daemon printed its ready line and <c>img cluster status</c> lists every node as ready. A client
/// state directory (<see cref="Client"/>) is the CLI's. Every wait is bounded; a build or daemon
/// that misses its time fails the test with the end of every daemon's log. Disposing kills and
/// reaps every process, unmounts what a killed node left mounted and removes every directory,
/// whatever the test did.
/// </summary>
public sealed class ClusterProcesses : IAsyncDisposable
{
    public static readonly TimeSpan BuildTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan StatusTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(300);

    private readonly ImgFixture _fixture;
    private readonly ClusterOptions _options;
    private readonly List<DaemonProcess> _coordinators = [];
    private readonly List<DaemonProcess> _nodes = [];
    private readonly List<string> _directories = [];
    private readonly string _statusState;

    private ClusterProcesses(ImgFixture fixture, ClusterOptions options)
    {
        _fixture = fixture;
        _options = options;
        Client = new ImgCli(fixture, NewDirectory("client"));
        _statusState = NewDirectory("status");
    }

    /// <summary>The CLI's state directory (not a daemon's): builds go from here with <c>--cluster</c>.</summary>
    public ImgCli Client { get; }

    public DaemonProcess Coordinator => _coordinators[0];

    public IReadOnlyList<DaemonProcess> Coordinators => _coordinators;

    public IReadOnlyList<DaemonProcess> Nodes => _nodes;

    public IEnumerable<DaemonProcess> Daemons => _coordinators.Concat(_nodes);

    /// <summary>The first coordinator's client address (<c>127.0.0.1:PORT</c>).</summary>
    public string Address => ClientAddress(Coordinator);

    /// <summary>Every coordinator's client address, comma-separated, as <c>--cluster</c> takes them.</summary>
    public string Addresses => string.Join(',', _coordinators.Select(ClientAddress));

    public DaemonProcess Node(string name) =>
        _nodes.FirstOrDefault(n => n.Name == name) ?? throw new ArgumentException($"no node {name}; nodes: {string.Join(", ", _nodes.Select(n => n.Name))}");

    public static async Task<ClusterProcesses> StartAsync(ImgFixture fixture, ClusterOptions? options = null)
    {
        var cluster = new ClusterProcesses(fixture, options ?? new ClusterOptions());
        try
        {
            await cluster.StartCoordinatorsAsync();
            await cluster.AddNodesAsync(Enumerable.Range(1, cluster._options.Nodes).Select(i => ($"n{i}", cluster._options.Slots)).ToArray());
            return cluster;
        }
        catch (Exception)
        {
            try
            {
                await cluster.DisposeAsync();
            }
            catch (AggregateException)
            {
                // the failure to start is the one to report; teardown failures would hide it
            }
            throw;
        }
    }

    private async Task StartCoordinatorsAsync()
    {
        var count = _options.SecondCoordinator ? 2 : 1;
        for (var i = 1; i <= count; i++)
        {
            var port = PortBlock.Next();
            var args = new List<string> { "coordinator", "--listen", $"127.0.0.1:{port}", "--name", $"c{i}" };
            args.AddRange(MemberSecurity());
            if (_options.Database is { } db)
                args.AddRange(["--db", db]);
            if (i > 1)
                args.AddRange(["--seed", Address]);
            var coordinator = new DaemonProcess(_fixture, $"c{i}", "coordinator", NewDirectory($"c{i}"), args, _options.Hocon) { ClientPort = port };
            _coordinators.Add(coordinator);
            coordinator.Start();
            await coordinator.WaitForLogAsync($"img coordinator c{i}: clients at", _options.StartTimeout);
            if (i == 1 && _options.Secured)
                await WriteTokenAsync(coordinator);
        }
    }

    /// <summary>The file holding the cluster token (a secured cluster), or null.</summary>
    public string? TokenFile { get; private set; }

    /// <summary>The token of a secured cluster, read with <c>img cluster token</c> from the first coordinator's state, into a 0600 file.</summary>
    private async Task WriteTokenAsync(DaemonProcess coordinator)
    {
        var result = await new ImgCli(_fixture, coordinator.State).RunAsync(["cluster", "token"], timeout: StatusTimeout);
        if (result.ExitCode != 0 || result.Out.Trim().Length == 0)
            throw new DaemonException($"img cluster token failed:\n{result}", coordinator);
        var file = Path.Combine(NewDirectory("token"), "token");
        await File.WriteAllTextAsync(file, "");
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await File.WriteAllTextAsync(file, result.Out.Trim() + "\n");
        TokenFile = file;
    }

    /// <summary>How a member joins: <c>--insecure</c>, or the token file once the cluster has one.</summary>
    private IEnumerable<string> MemberSecurity() =>
        !_options.Secured ? ["--insecure"] : TokenFile is null ? [] : ["--token-file", TokenFile];

    /// <summary>The flags a client needs besides <c>--cluster</c>: the token file of a secured cluster.</summary>
    public IReadOnlyList<string> ClientSecurity => TokenFile is null ? [] : ["--cluster-token-file", TokenFile];

    /// <summary>Starts nodes (in parallel), waits for their joined lines and for the status to list them all as ready.</summary>
    public async Task<IReadOnlyList<DaemonProcess>> AddNodesAsync(params (string Name, int Slots)[] nodes)
    {
        var started = new List<DaemonProcess>();
        foreach (var (name, slots) in nodes)
        {
            var node = new DaemonProcess(_fixture, name, "node", NewDirectory(name),
                ["node", "--join", Addresses, .. MemberSecurity(), "--name", name, "--slots", slots.ToString(CultureInfo.InvariantCulture), "--backend", _options.Backend,
                    .. _options.NodeArgs.GetValueOrDefault(name) ?? []],
                _options.Hocon);
            _nodes.Add(node);
            started.Add(node);
            node.Start();
        }
        await Task.WhenAll(started.Select(n => n.WaitForLogAsync($"node {n.Name} joined as", _options.StartTimeout)));
        await WaitForNodesAsync(_nodes.Where(n => n.IsRunning).Select(n => n.Name), _options.StartTimeout);
        return started;
    }

    /// <summary>Polls <c>img cluster status</c> (through <paramref name="address"/>, else the first running coordinator) until it lists every named node as ready.</summary>
    public Task<ClusterStatus> WaitForNodesAsync(IEnumerable<string> names, TimeSpan timeout, string? address = null)
    {
        var wanted = names.ToList();
        return WaitForStatusAsync(s => wanted.All(n => s.Node(n)?.State == "ready"),
            $"nodes {string.Join(", ", wanted)} ready", timeout, address);
    }

    /// <summary>Polls <c>img cluster status</c> until <paramref name="condition"/> holds; fails with the last answer and the daemons' logs.</summary>
    public async Task<ClusterStatus> WaitForStatusAsync(Func<ClusterStatus, bool> condition, string what, TimeSpan timeout, string? address = null)
    {
        var clock = Stopwatch.StartNew();
        var last = "";
        while (true)
        {
            var target = address ?? _coordinators.Where(c => c.IsRunning).Select(ClientAddress).FirstOrDefault() ?? Address;
            var result = await StatusRunAsync(target);
            if (result.ExitCode == 0)
            {
                var status = ClusterStatus.Parse(result.Out);
                if (condition(status))
                    return status;
                last = result.Out;
            }
            else
            {
                last = result.ToString();
            }
            if (clock.Elapsed > timeout)
                throw new XunitException($"img cluster status never showed {what} within {timeout.TotalSeconds:0} s; last answer:\n{last}\n{Logs()}");
            await Task.Delay(PollInterval);
        }
    }

    /// <summary><c>img cluster status</c> through <paramref name="address"/> (default: the first coordinator), which must succeed.</summary>
    public async Task<ClusterStatus> StatusAsync(string? address = null)
    {
        var result = await StatusRunAsync(address ?? Address);
        if (result.ExitCode != 0)
            throw new XunitException($"img cluster status failed:\n{result}\n{Logs()}");
        return ClusterStatus.Parse(result.Out);
    }

    // its own state directory: the client's may be locked by a build running at the same time
    private Task<ProcessResult> StatusRunAsync(string address) =>
        new ImgCli(_fixture, _statusState).RunAsync(["cluster", "status", "--cluster", address, .. ClientSecurity], timeout: StatusTimeout);

    /// <summary><c>img build --cluster ADDRESSES --progress=plain ARGS CONTEXT</c> from <see cref="Client"/>; fails with the daemons' logs if it exceeds its time or exits non-zero.</summary>
    public async Task<ProcessResult> BuildAsync(string context, params string[] args)
    {
        var result = await RunBuildAsync(Client, Addresses, context, BuildTimeout, args);
        return Succeeded(result);
    }

    /// <summary>A build from <paramref name="cli"/> through <paramref name="cluster"/>, left running (to be raced or signalled).</summary>
    public StartedProcess StartBuild(ImgCli cli, string cluster, string context, params string[] args) =>
        cli.StartBuild(context, ["--cluster", cluster, .. ClientSecurity, .. args]);

    /// <summary>Runs a build to its end (success or not) within <paramref name="timeout"/>; a hang fails the test with every log.</summary>
    public async Task<ProcessResult> RunBuildAsync(ImgCli cli, string cluster, string context, TimeSpan timeout, params string[] args)
    {
        await using var build = StartBuild(cli, cluster, context, args);
        return await WaitAsync(build, timeout);
    }

    /// <summary>Waits for a started build; if it does not end within <paramref name="timeout"/> it is killed and the test fails with its output and every daemon's log.</summary>
    public async Task<ProcessResult> WaitAsync(StartedProcess build, TimeSpan timeout)
    {
        try
        {
            return await build.WaitAsync(timeout);
        }
        catch (XunitException e)
        {
            throw new XunitException($"the build did not finish within {timeout.TotalSeconds:0} s: {e.Message}\n{Logs()}");
        }
    }

    /// <summary>Waits until a running build printed <paramref name="text"/> (a RUN's output: the step is running); fails with every log.</summary>
    public async Task WaitForOutputAsync(StartedProcess build, string text)
    {
        try
        {
            await build.WaitForErrorAsync(text, StepTimeout);
        }
        catch (XunitException e)
        {
            throw new XunitException($"{e.Message}\n{Logs()}");
        }
    }

    /// <summary>Waits until a running build's plain progress ends <paramref name="step"/> with <paramref name="outcome"/> (DONE, CACHED, ERROR).</summary>
    public async Task WaitForStepAsync(StartedProcess build, string step, string outcome)
    {
        var clock = Stopwatch.StartNew();
        while (!(ProgressLog.Steps(build.Error).TryGetValue(step, out var ended) && ended == outcome))
        {
            if (clock.Elapsed > StepTimeout)
                throw new XunitException($"\"{step}\" did not end {outcome} within {StepTimeout.TotalSeconds:0} s:\n{build.Error}\n{Logs()}");
            await Task.Delay(50);
        }
    }

    /// <summary>The result, if it succeeded; else the test fails with it and every daemon's log.</summary>
    public ProcessResult Succeeded(ProcessResult result)
    {
        if (result.ExitCode != 0)
            throw new XunitException($"{result}\n{Logs()}");
        return result;
    }

    /// <summary>The end of every daemon's log.</summary>
    public string Logs() => DaemonLogs.Tail(Daemons);

    public static string ClientAddress(DaemonProcess coordinator) => $"127.0.0.1:{coordinator.ClientPort}";

    private string NewDirectory(string prefix)
    {
        var dir = _fixture.NewDirectory(prefix);
        _directories.Add(dir);
        return dir;
    }

    /// <summary>Kills every daemon, then unmounts and removes every directory; every step runs, and every failure is reported together.</summary>
    public async ValueTask DisposeAsync()
    {
        var errors = new List<Exception>();
        // nodes first: they would otherwise log (and retry) the coordinators' absence
        foreach (var daemon in _nodes.Concat(_coordinators))
        {
            try
            {
                await daemon.DisposeAsync();
            }
            catch (Exception e)
            {
                errors.Add(new InvalidOperationException($"stopping {daemon}: {e.Message}", e));
            }
        }
        foreach (var dir in _directories)
        {
            try
            {
                await Mounts.ReleaseAsync(dir);
                if (Directory.Exists(dir))
                    Directory.Delete(dir, recursive: true);
            }
            catch (Exception e)
            {
                errors.Add(new IOException($"removing {dir}: {e.Message}", e));
            }
        }
        if (errors.Count > 0)
            throw new AggregateException("tearing down the cluster failed", errors);
    }
}
