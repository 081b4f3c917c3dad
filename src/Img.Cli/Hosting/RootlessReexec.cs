using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Img.Cli.CommandLine;
using Img.Cli.Commands;
using Img.Engine.Mounts;
using Img.Engine.Native;
using Img.Engine.State;

namespace Img.Cli.Hosting;

/// <summary>
/// Rootless mode: a non-root <c>img build</c> or <c>img unpack</c> re-executes itself as root of a
/// new user + mount namespace, because snapshot mounts, runc and layer diffs need real (mapped)
/// ownership and a multi-threaded .NET process cannot <c>unshare(CLONE_NEWUSER)</c> itself.
/// <para>
/// The child is started through util-linux <c>unshare --user --map-root-user --map-auto --mount
/// --propagation private</c>: uid/gid 0 is the invoking user, 1.. are the user's first
/// <c>/etc/subuid</c> / <c>/etc/subgid</c> range, written by the setuid <c>newuidmap</c> /
/// <c>newgidmap</c>. A user without ranges gets <c>--map-root-user</c> alone (one uid, one gid)
/// and a warning. The child runs the same executable with the same arguments
/// (<see cref="SelfInvocation"/>), inherits stdin/stdout/stderr, gets <c>IMG_REEXEC=1</c> so it
/// never re-executes again, and <c>IMG_STATE</c> set to the state directory resolved here from the
/// real user's environment (inside, the process is uid 0 and would otherwise pick
/// <c>/var/lib/img</c>). SIGINT, SIGTERM, SIGHUP and SIGQUIT are forwarded; the child's exit code
/// is returned. A child whose parent dies (SIGKILL cannot be forwarded) cancels itself
/// (<see cref="OrphanWatch"/>).
/// </para>
/// </summary>
public static class RootlessReexec
{
    /// <summary>Set (to 1) in the child's environment; its presence means "do not re-execute".</summary>
    public const string MarkerVariable = "IMG_REEXEC";

    /// <summary>Runs the command in a user namespace when it has to; null means "run it in this process".</summary>
    public static int? RunIfNeeded(IReadOnlyList<ICommand> commands, string[] args, TextWriter stderr)
    {
        if (!OperatingSystem.IsLinux() || ParseCommand(commands, args) is null) return null;
        var decision = Decide(commands, args, RootlessFacts.Current());
        switch (decision)
        {
            case Decision.Child child:
                OrphanWatch.Start();
                if (child.Debug)
                    stderr.WriteLine($"DEBUG: rootless: re-executed ({MarkerVariable}=1), uid {Posix.GetEffectiveUserId()} in a user namespace; uid_map: {OneLine(UserNamespace.UidMap)}; gid_map: {OneLine(ReadProc("/proc/self/gid_map"))}");
                return null;
            case Decision.Fail fail:
                stderr.WriteLine("ERROR: " + fail.Message);
                return 1;
            case Decision.Reexec plan:
                if (plan.Warning is not null) stderr.WriteLine(plan.Warning);
                foreach (var line in plan.DebugLines) stderr.WriteLine("DEBUG: rootless: " + line);
                stderr.Flush();
                return Execute(plan, stderr);
            default:
                return null;
        }
    }

    /// <summary>What to do for <paramref name="args"/> given the process's situation.</summary>
    public static Decision Decide(IReadOnlyList<ICommand> commands, IReadOnlyList<string> args, RootlessFacts facts)
    {
        if (ParseCommand(commands, args) is not { } invocation)
            return new Decision.InProcess("not a command that needs a user namespace (or flag errors, reported in-process)");
        var decision = Decide(invocation, args, facts);
        // du and prune work without a namespace too (on what the user's own uid can read and
        // delete): they never fail for want of one, as they did not before they needed it
        return decision is Decision.Fail fail && invocation.Use != UserNamespaceUse.Required
            ? new Decision.InProcess(fail.Message + "; running without a user namespace")
            : decision;
    }

    private static Decision Decide(Invocation invocation, IReadOnlyList<string> args, RootlessFacts facts)
    {
        if (!string.IsNullOrEmpty(facts.GetEnvironmentVariable(MarkerVariable)))
            return facts.Euid == 0 ? new Decision.Child(invocation.Debug) : new Decision.InProcess($"{MarkerVariable} is set: not re-executing");
        if (facts.Euid == 0)
            return new Decision.InProcess("already root (in this or the initial user namespace)");

        if (facts.UsernsProblem is { } problem)
            return new Decision.Fail($"img {invocation.Command} as a non-root user runs in a user namespace, but {problem}");
        var unshare = facts.FindProgram("unshare");
        if (unshare is null)
            return new Decision.Fail($"img {invocation.Command} as a non-root user re-executes itself with util-linux unshare (Debian package util-linux), which is not in PATH");
        if (facts.ProcessPath is null)
            return new Decision.Fail("cannot find this program's executable to re-execute it in a user namespace");

        StateDirectory state;
        try
        {
            state = StateDirectory.Resolve(invocation.StateFlag, facts.GetEnvironmentVariable, facts.Euid, facts.Home);
        }
        catch (InvalidOperationException e)
        {
            return new Decision.Fail(e.Message);
        }

        var user = string.IsNullOrEmpty(facts.UserName) ? facts.Euid.ToString(CultureInfo.InvariantCulture) : facts.UserName;
        var uids = SubordinateIds.Find(facts.SubuidText, facts.UserName, facts.Euid);
        var gids = SubordinateIds.Find(facts.SubgidText, facts.UserName, facts.Euid);
        string? singleReason = null;
        if (uids.Count == 0) singleReason = $"no subuid range for {user} in {SubordinateIds.SubuidPath}";
        else if (gids.Count == 0) singleReason = $"no subgid range for {user} in {SubordinateIds.SubgidPath}";
        else if (facts.FindProgram("newuidmap") is null || facts.FindProgram("newgidmap") is null)
            singleReason = "newuidmap/newgidmap are not installed (Debian package uidmap)";
        else if (!facts.UnshareHasMapAuto(unshare))
            singleReason = $"{unshare} has no --map-auto (util-linux older than 2.38)";

        var unshareArgs = new List<string> { "--user", "--map-root-user" };
        if (singleReason is null) unshareArgs.Add("--map-auto");
        unshareArgs.AddRange(["--mount", "--propagation", "private", "--", facts.ProcessPath]);
        var (prefix, managed) = SelfInvocation(facts.NativeCommandLine, args, facts.CommandLineArgs, facts.ProcessPath);
        unshareArgs.AddRange(prefix);
        unshareArgs.AddRange(managed);

        var verb = invocation.Command == "build" ? "building" : "unpacking";
        string? warning = singleReason is null || invocation.Use != UserNamespaceUse.Required ? null :
            $"WARNING: {singleReason}: {verb} with a single-uid mapping; files owned by other users " +
            "(e.g. COPY --chown=1000, RUN chown 1000) cannot be created, and files the image's layers give to other users are unpacked as root. " +
            $"For full ownership add ranges, e.g. usermod --add-subuids 100000-165535 --add-subgids 100000-165535 {user}";

        var mapping = singleReason is null
            ? $"mapping: subordinate ids via newuidmap/newgidmap: uid 0 = {facts.Euid}, uids 1.. = {user}'s {SubordinateIds.SubuidPath} range {uids[0].Start}:{uids[0].Count}; " +
              $"gid 0 = {facts.Egid}, gids 1.. = {SubordinateIds.SubgidPath} range {gids[0].Start}:{gids[0].Count}"
            : $"mapping: single uid/gid (uid 0 = {facts.Euid}, gid 0 = {facts.Egid}): {singleReason}";
        var debug = !invocation.Debug ? [] : new List<string>
        {
            $"uid {facts.Euid} ({user}) is not root: re-executing \"img {invocation.Command}\" as root of a new user + mount namespace",
            mapping,
            $"state directory {state.Root} (passed to the child as {StateDirectory.EnvironmentVariable})",
            $"exec {unshare} {string.Join(' ', unshareArgs.Select(Quote))}",
        };

        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [MarkerVariable] = "1",
            [StateDirectory.EnvironmentVariable] = state.Root,
        };
        return new Decision.Reexec(unshare, unshareArgs, environment, singleReason is null, warning, debug);
    }

    /// <summary>
    /// The arguments that start this program again with <paramref name="managedArgs"/>: whatever
    /// came between the executable and the managed arguments in the native command line (nothing
    /// for the <c>img</c> apphost; <c>[exec options] img.dll</c> for <c>dotnet img.dll</c>), then the
    /// managed arguments. Without a usable native command line, <c>dotnet</c> gets the entry
    /// assembly (<see cref="Environment.GetCommandLineArgs"/>[0]) and an apphost nothing.
    /// </summary>
    public static (IReadOnlyList<string> Prefix, IReadOnlyList<string> Managed) SelfInvocation(
        IReadOnlyList<string>? nativeCommandLine, IReadOnlyList<string> managedArgs, IReadOnlyList<string> commandLineArgs, string processPath)
    {
        if (nativeCommandLine is { Count: > 0 } native && native.Count - 1 >= managedArgs.Count
            && native.Skip(native.Count - managedArgs.Count).SequenceEqual(managedArgs, StringComparer.Ordinal))
        {
            return (native.Skip(1).Take(native.Count - 1 - managedArgs.Count).ToList(), managedArgs);
        }
        var isMuxer = Path.GetFileName(processPath) is "dotnet" or "dotnet.exe";
        return (isMuxer && commandLineArgs.Count > 0 ? [Path.GetFullPath(commandLineArgs[0])] : [], managedArgs);
    }

    private sealed record Invocation(string Command, UserNamespaceUse Use, string? StateFlag, bool Debug);

    /// <summary>The command and its global options when it uses a user namespace, parsed as the app parses it; null otherwise.</summary>
    private static Invocation? ParseCommand(IReadOnlyList<ICommand> commands, IReadOnlyList<string> args)
    {
        try
        {
            var invocation = CommandInvocation.Resolve(commands, args);
            if (invocation.Command is not { UserNamespace: not UserNamespaceUse.None } command) return null;
            var flags = invocation.ParseFlags();
            if (invocation.WantsHelp(flags)) return null;
            return new Invocation(command.Name, command.UserNamespace, invocation.StateFlag(flags), invocation.Debug(flags));
        }
        catch (UsageException)
        {
            return null;
        }
    }

    private static int Execute(Decision.Reexec plan, TextWriter stderr)
    {
        var psi = new ProcessStartInfo(plan.Program) { UseShellExecute = false };
        foreach (var a in plan.Arguments) psi.ArgumentList.Add(a);
        foreach (var (k, v) in plan.Environment) psi.Environment[k] = v;

        var gate = new object();
        Process? child = null;
        var pending = new List<int>();
        void Forward(PosixSignalContext ctx)
        {
            ctx.Cancel = true; // the parent lives until the child is gone
            var signo = SignalNumber(ctx.Signal);
            lock (gate)
            {
                if (child is null) pending.Add(signo);
                else Kill(child.Id, signo);
            }
        }
        var registrations = new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP, PosixSignal.SIGQUIT }
            .Select(s => PosixSignalRegistration.Create(s, Forward)).ToList();
        try
        {
            Process started;
            try
            {
                started = Process.Start(psi) ?? throw new InvalidOperationException("no process");
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
            {
                stderr.WriteLine($"ERROR: cannot start {plan.Program} to enter a user namespace: {e.Message}");
                return 1;
            }
            using (started)
            {
                lock (gate)
                {
                    child = started;
                    foreach (var signo in pending) Kill(started.Id, signo);
                }
                started.WaitForExit();
                return started.ExitCode;
            }
        }
        finally
        {
            foreach (var r in registrations) r.Dispose();
        }
    }

    private static int SignalNumber(PosixSignal signal) => signal switch
    {
        PosixSignal.SIGHUP => 1,
        PosixSignal.SIGINT => 2,
        PosixSignal.SIGQUIT => 3,
        PosixSignal.SIGTERM => 15,
        _ => (int)signal,
    };

    private static void Kill(int pid, int signo) => _ = Posix.Kill(pid, signo);

    private static string Quote(string s) =>
        s.Length > 0 && s.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:,@+%".Contains(c)) ? s : "'" + s.Replace("'", "'\\''") + "'";

    private static string OneLine(string map) =>
        string.Join(", ", map.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries))));

    internal static string ReadProc(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    /// <summary>The outcome of <see cref="Decide"/>.</summary>
    public abstract record Decision
    {
        private Decision() { }

        /// <summary>Run the command here.</summary>
        public sealed record InProcess(string Reason) : Decision;

        /// <summary>This process is the re-executed child; run the command here.</summary>
        public sealed record Child(bool Debug) : Decision;

        /// <summary>The command cannot run: print the message, exit 1.</summary>
        public sealed record Fail(string Message) : Decision;

        /// <summary>Start <paramref name="Program"/> (unshare) and return its exit code.</summary>
        public sealed record Reexec(string Program, IReadOnlyList<string> Arguments, IReadOnlyDictionary<string, string> Environment,
            bool FullMapping, string? Warning, IReadOnlyList<string> DebugLines) : Decision;
    }
}

/// <summary>What <see cref="RootlessReexec.Decide"/> needs to know about the process and the host (explicit for tests).</summary>
public sealed record RootlessFacts
{
    public required uint Euid { get; init; }
    public required uint Egid { get; init; }
    public required string? UserName { get; init; }
    public required string Home { get; init; }
    public required Func<string, string?> GetEnvironmentVariable { get; init; }
    public required Func<string, string?> FindProgram { get; init; }
    public required string? SubuidText { get; init; }
    public required string? SubgidText { get; init; }
    /// <summary>Why unprivileged user namespaces cannot be created here (sysctls), or null.</summary>
    public required string? UsernsProblem { get; init; }
    /// <summary>The running executable (<see cref="Environment.ProcessPath"/>: the apphost, or dotnet).</summary>
    public required string? ProcessPath { get; init; }
    /// <summary><c>/proc/self/cmdline</c>: the native argv, host arguments included.</summary>
    public required IReadOnlyList<string>? NativeCommandLine { get; init; }
    public required IReadOnlyList<string> CommandLineArgs { get; init; }
    /// <summary>Whether the given unshare program knows <c>--map-auto</c> (asked only when it matters).</summary>
    public required Func<string, bool> UnshareHasMapAuto { get; init; }

    /// <summary>The facts of this process.</summary>
    public static RootlessFacts Current() => new()
    {
        Euid = Posix.GetEffectiveUserId(),
        Egid = Posix.GetEffectiveGroupId(),
        UserName = SafeUserName(),
        Home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile),
        GetEnvironmentVariable = Environment.GetEnvironmentVariable,
        FindProgram = FindInPath,
        SubuidText = SubordinateIds.ReadFile(SubordinateIds.SubuidPath),
        SubgidText = SubordinateIds.ReadFile(SubordinateIds.SubgidPath),
        UsernsProblem = UsernsProblemFromSysctls(),
        ProcessPath = Environment.ProcessPath,
        NativeCommandLine = ReadCommandLine(),
        CommandLineArgs = Environment.GetCommandLineArgs(),
        UnshareHasMapAuto = HasMapAuto,
    };

    private static bool HasMapAuto(string unshare)
    {
        try
        {
            var psi = new ProcessStartInfo(unshare) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add("--help");
            using var p = Process.Start(psi);
            if (p is null) return false;
            var err = p.StandardError.ReadToEndAsync();
            var help = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            return (help + err.Result).Contains("--map-auto", StringComparison.Ordinal);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    /// <summary>A program in PATH (then /usr/sbin, /usr/bin, /sbin, /bin), or null.</summary>
    public static string? FindInPath(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in path.Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(["/usr/sbin", "/usr/bin", "/sbin", "/bin"]))
        {
            if (!Path.IsPathRooted(dir)) continue;
            var candidate = Path.Join(dir, name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    private static string? SafeUserName()
    {
        try
        {
            return Environment.UserName;
        }
        catch (Exception e) when (e is InvalidOperationException or PlatformNotSupportedException)
        {
            return null;
        }
    }

    private static string? UsernsProblemFromSysctls()
    {
        if (RootlessReexec.ReadProc("/proc/sys/kernel/unprivileged_userns_clone").Trim() == "0")
            return "the kernel forbids unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=0; set it to 1)";
        if (RootlessReexec.ReadProc("/proc/sys/user/max_user_namespaces").Trim() == "0")
            return "the kernel allows no user namespaces (sysctl user.max_user_namespaces=0)";
        return null;
    }

    private static IReadOnlyList<string>? ReadCommandLine()
    {
        try
        {
            var bytes = File.ReadAllBytes("/proc/self/cmdline");
            if (bytes.Length == 0) return null;
            var text = Encoding.UTF8.GetString(bytes);
            return text.TrimEnd('\0').Split('\0');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
