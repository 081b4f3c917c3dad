using System.Diagnostics;
using System.Formats.Tar;
using System.Text;
using Img.Cli.Hosting;
using Img.Engine.Mounts;
using Img.Engine.Native;
using Img.Engine.Tests.Fixtures;

namespace Img.Cli.Tests.Rootless;

/// <summary>
/// What the rootless end-to-end tests share, made once: the CLI published to a world-readable
/// directory (so other users can run it, as the <c>img</c> apphost and as <c>dotnet img.dll</c>),
/// an unprivileged user with /etc/subuid and /etc/subgid ranges, a second one without any, and a
/// busybox base image tar (Debian busybox-static, <c>/etc/passwd</c> with app = 1000, a
/// <c>/home/app</c> owned by 1000:1000) in each user's work directory. A missing prerequisite
/// makes every test fail with the reason, never skip. Users, homes and the published CLI are
/// removed afterwards.
/// </summary>
public sealed class RootlessFixture : IDisposable
{
    public static readonly string[] Applets = ["sh", "echo", "id", "chown", "ls", "touch", "cat", "sleep"];

    private readonly string? _problem;
    private readonly List<string> _users = [];
    private string? _publishDir;

    public RootlessFixture()
    {
        try
        {
            _problem = CheckPrerequisites();
            if (_problem is not null) return;
            var n = Environment.ProcessId;
            Full = CreateUser($"imgtest-{n}", withRanges: true);
            Single = CreateUser($"imgtest-{n}-nosub", withRanges: false);
            _publishDir = Publish();
        }
        catch (Exception e)
        {
            _problem = "rootless test setup failed: " + e;
        }
    }

    /// <summary>A user with subordinate id ranges (full mapping).</summary>
    public TestUser Full { get; private set; } = null!;

    /// <summary>A user without subordinate ids (single-uid fallback).</summary>
    public TestUser Single { get; private set; } = null!;

    /// <summary>The published <c>img</c> apphost.</summary>
    public string Img => Path.Join(_publishDir, "img");

    /// <summary>The published entry assembly, for <c>dotnet img.dll</c>.</summary>
    public string ImgDll => Path.Join(_publishDir, "img.dll");

    /// <summary>The dotnet muxer.</summary>
    public string Dotnet => RootlessFacts.FindInPath("dotnet") ?? "/usr/bin/dotnet";

    /// <summary>Fails the calling test when the setup could not be made.</summary>
    public void Require()
    {
        if (_problem is not null) Assert.Fail(_problem);
    }

    private static string? CheckPrerequisites()
    {
        var missing = new List<string>();
        if (Posix.GetEffectiveUserId() != 0 || !UserNamespace.IsInitial)
            missing.Add("the rootless tests create users (useradd) and must run as real root");
        foreach (var (program, package) in new[]
        {
            ("useradd", "passwd"), ("userdel", "passwd"), ("setpriv", "util-linux"), ("unshare", "util-linux"),
            ("newuidmap", "uidmap"), ("newgidmap", "uidmap"), ("runc", "runc"), ("dotnet", "the .NET SDK"),
        })
        {
            if (RootlessFacts.FindInPath(program) is null) missing.Add($"{program} is not installed ({package})");
        }
        if (!File.Exists("/bin/busybox")) missing.Add("/bin/busybox is missing (Debian package busybox-static)");
        if (RootlessFacts.FindInPath("unshare") is not null && !Run("unshare", "--help").Output.Contains("--map-auto", StringComparison.Ordinal))
            missing.Add("util-linux unshare has no --map-auto (needs util-linux >= 2.38)");
        foreach (var helper in new[] { "newuidmap", "newgidmap" })
        {
            if (RootlessFacts.FindInPath(helper) is { } path && (File.GetUnixFileMode(path) & UnixFileMode.SetUser) == 0
                && (RootlessFacts.FindInPath("getcap") is null || !Run("getcap", path).Output.Contains("cap_set", StringComparison.Ordinal)))
                missing.Add($"{path} is neither setuid root nor has file capabilities");
        }
        if (RootlessReexec.ReadProc("/proc/sys/kernel/unprivileged_userns_clone").Trim() == "0")
            missing.Add("unprivileged user namespaces are disabled (sysctl kernel.unprivileged_userns_clone=0)");
        if (RootlessReexec.ReadProc("/proc/sys/user/max_user_namespaces").Trim() == "0")
            missing.Add("user namespaces are disabled (sysctl user.max_user_namespaces=0)");
        return missing.Count == 0 ? null : "rootless test prerequisites missing: " + string.Join("; ", missing);
    }

    private TestUser CreateUser(string name, bool withRanges)
    {
        if (Run("id", "-u", name).Exit == 0) Run("userdel", "--force", "--remove", name);
        var args = new List<string> { "--create-home", "--shell", "/bin/sh" };
        if (!withRanges) args.AddRange(["-K", "SUB_UID_COUNT=0", "-K", "SUB_GID_COUNT=0"]);
        args.Add(name);
        var (exit, text) = Run("useradd", [.. args]);
        if (exit != 0) throw new InvalidOperationException($"useradd {name} failed: {text}");
        _users.Add(name);

        var uid = uint.Parse(Run("id", "-u", name).Output.Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var gid = uint.Parse(Run("id", "-g", name).Output.Trim(), System.Globalization.CultureInfo.InvariantCulture);
        foreach (var file in new[] { SubordinateIds.SubuidPath, SubordinateIds.SubgidPath })
        {
            var text0 = SubordinateIds.ReadFile(file) ?? "";
            var id = file == SubordinateIds.SubuidPath ? uid : gid;
            var has = SubordinateIds.Find(text0, name, id).Count > 0;
            if (withRanges && !has)
            {
                File.AppendAllText(file, (text0.Length > 0 && !text0.EndsWith('\n') ? "\n" : "") + $"{name}:100000:65536\n");
            }
            else if (!withRanges && has)
            {
                var kept = text0.Split('\n').Where(l => !l.StartsWith(name + ":", StringComparison.Ordinal) && !l.StartsWith(uid + ":", StringComparison.Ordinal));
                File.WriteAllText(file, string.Join('\n', kept));
            }
        }
        var subuids = SubordinateIds.Find(SubordinateIds.ReadFile(SubordinateIds.SubuidPath), name, uid);
        if (withRanges != (subuids.Count > 0)) throw new InvalidOperationException($"could not set up /etc/subuid for {name}");

        var home = Run("sh", "-c", $"getent passwd {name} | cut -d: -f6").Output.Trim();
        var work = Path.Join(home, "work");
        Directory.CreateDirectory(work);
        WriteBaseTar(Path.Join(work, "base.tar"));
        var user = new TestUser(name, uid, gid, home, work, subuids.Count > 0 ? subuids[0] : null);
        user.Chown(work);
        return user;
    }

    /// <summary>A busybox rootfs tar: bin/busybox and applets, etc/passwd and etc/group (root, app = 1000), home/app owned 1000:1000, tmp.</summary>
    private static void WriteBaseTar(string path)
    {
        var time = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        using var file = File.Create(path);
        using var tar = new TarWriter(file, TarEntryFormat.Pax, leaveOpen: false);
        void Add(TarEntryType type, string name, UnixFileMode mode, int uid = 0, string? link = null, byte[]? data = null)
        {
            var e = new PaxTarEntry(type, name) { Mode = mode, Uid = uid, Gid = uid, ModificationTime = time };
            if (link is not null) e.LinkName = link;
            if (data is not null) e.DataStream = new MemoryStream(data);
            tar.WriteEntry(e);
        }
        const UnixFileMode dir = (UnixFileMode)0b111_101_101;
        const UnixFileMode regular = (UnixFileMode)0b110_100_100;
        Add(TarEntryType.Directory, "bin/", dir);
        Add(TarEntryType.RegularFile, "bin/busybox", dir, data: File.ReadAllBytes("/bin/busybox"));
        foreach (var applet in Applets)
            Add(TarEntryType.SymbolicLink, "bin/" + applet, (UnixFileMode)0b111_111_111, link: "busybox");
        Add(TarEntryType.Directory, "etc/", dir);
        Add(TarEntryType.RegularFile, "etc/passwd", regular, data: Encoding.ASCII.GetBytes("root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\n"));
        Add(TarEntryType.RegularFile, "etc/group", regular, data: Encoding.ASCII.GetBytes("root:x:0:\napp:x:1000:\n"));
        Add(TarEntryType.Directory, "home/", dir);
        Add(TarEntryType.Directory, "home/app/", dir, uid: 1000);
        Add(TarEntryType.Directory, "tmp/", (UnixFileMode)0b1_111_111_111);
    }

    private static string Publish()
    {
        var root = RepositoryRoot();
        var dir = Path.Join("/tmp", $"img-rootless-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40]);
        Directory.CreateDirectory(dir);
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)
            ? host : RootlessFacts.FindInPath("dotnet") ?? "dotnet";
        var (exit, text) = Run(dotnet, "publish", Path.Join(root, "src", "Img.Cli"), "-c", "Release", "-o", dir, "-nologo", "-v", "quiet");
        if (exit != 0 || !File.Exists(Path.Join(dir, "img")))
            throw new InvalidOperationException($"dotnet publish src/Img.Cli failed (exit {exit}): {text}");
        Run("chmod", "-R", "a+rX", dir);
        return dir;
    }

    private static string RepositoryRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Join(d.FullName, "Img.sln"))) return d.FullName;
        }
        throw new InvalidOperationException($"cannot find Img.sln above {AppContext.BaseDirectory}");
    }

    /// <summary>
    /// Kills whatever the test users still run (a test that failed mid-build), removes the users
    /// and the published binary; every step runs, failures are reported at the end.
    /// </summary>
    public void Dispose()
    {
        var teardown = new Teardown();
        foreach (var name in _users)
        {
            // pkill exits 1 when the user has no process left: that is the good case
            teardown.Run($"kill the processes of {name}", () => Expect(Run("pkill", "-KILL", "-u", name), 0, 1));
            // --force: a zombie left by the user's processes must not keep the account.
            // 6: already gone; 12: the home directory could not be removed completely (reported by the next run's useradd)
            teardown.Run($"remove user {name}", () => Expect(Run("userdel", "--force", "--remove", name), 0, 6, 12));
        }
        if (_publishDir is not null)
            teardown.DeleteDirectoryAsync(_publishDir).GetAwaiter().GetResult();
        teardown.ThrowIfFailed("rootless");
    }

    private static void Expect((int Exit, string Output) result, params int[] codes)
    {
        if (!codes.Contains(result.Exit))
            throw new InvalidOperationException($"exit {result.Exit}: {result.Output}");
    }

    /// <summary>Runs a program as root (the test process), stdout and stderr together.</summary>
    public static (int Exit, string Output) Run(string program, params string[] args)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output + err.Result);
    }
}

/// <summary>An unprivileged test user: ids, home and a work directory it owns.</summary>
public sealed record TestUser(string Name, uint Uid, uint Gid, string Home, string Work, SubordinateRange? Subuids)
{
    /// <summary>The default state directory of a non-root user.</summary>
    public string StateDirectory => Path.Join(Home, ".local", "share", "img");

    public void Chown(string path) => RootlessFixture.Run("chown", "-R", $"{Uid}:{Gid}", path);

    /// <summary>Writes a file in the work directory, owned by the user.</summary>
    public string WriteFile(string relative, string text)
    {
        var path = Path.Join(Work, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        Chown(Path.GetDirectoryName(path)!);
        return path;
    }

    /// <summary>
    /// Starts <paramref name="program"/> as this user (setpriv, supplementary groups from
    /// /etc/group) in the work directory with a login-like environment: HOME, USER, LOGNAME,
    /// PATH, and DOTNET_ROOT when the test has one; nothing of the test's IMG_* variables.
    /// </summary>
    public Process Start(string program, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo("setpriv")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Work,
        };
        foreach (var a in new[] { "--reuid", Uid.ToString(), "--regid", Gid.ToString(), "--init-groups", "--", program }.Concat(args))
            psi.ArgumentList.Add(a);
        psi.Environment.Clear();
        psi.Environment["HOME"] = Home;
        psi.Environment["USER"] = Name;
        psi.Environment["LOGNAME"] = Name;
        psi.Environment["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        if (Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } dotnetRoot) psi.Environment["DOTNET_ROOT"] = dotnetRoot;
        var p = Process.Start(psi)!;
        p.StandardInput.Close();
        return p;
    }

    public sealed record Result(int Exit, string Out, string Err)
    {
        public override string ToString() => $"exit {Exit}\n--- stdout\n{Out}\n--- stderr\n{Err}";
    }

    /// <summary>Runs <paramref name="program"/> as this user to the end (at most 3 minutes).</summary>
    public async Task<Result> RunAsync(string program, params string[] args)
    {
        using var p = Start(program, args);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await p.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} as {Name} did not finish in 3 minutes");
        }
        return new Result(p.ExitCode, await stdout, await stderr);
    }

    /// <summary>Processes of this user that are still alive (not zombies).</summary>
    public IReadOnlyList<string> LiveProcesses()
    {
        var list = new List<string>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out _)) continue;
            try
            {
                var status = File.ReadAllLines(Path.Join(dir, "status"));
                var uid = status.FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal))?.Split('\t', StringSplitOptions.RemoveEmptyEntries);
                var state = status.FirstOrDefault(l => l.StartsWith("State:", StringComparison.Ordinal)) ?? "";
                if (uid is { Length: > 1 } && uid[1] == Uid.ToString() && !state.Contains("zombie", StringComparison.Ordinal))
                    list.Add(Path.GetFileName(dir) + " " + File.ReadAllText(Path.Join(dir, "cmdline")).Replace('\0', ' ').Trim());
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
        return list;
    }
}
