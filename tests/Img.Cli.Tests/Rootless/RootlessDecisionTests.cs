using Img.Cli.Commands;
using Img.Cli.Hosting;

namespace Img.Cli.Tests.Rootless;

/// <summary>When and how img re-executes itself in a user namespace, decided from explicit facts.</summary>
public sealed class RootlessDecisionTests
{
    private static readonly IReadOnlyList<ICommand> Commands = CommandCatalog.All();

    private static RootlessFacts Facts(
        uint euid = 1001, string? subuid = "alice:165536:65536\n", string? subgid = "alice:165536:65536\n",
        Dictionary<string, string>? env = null, string[]? programs = null, string? usernsProblem = null,
        string? processPath = "/opt/img/img", IReadOnlyList<string>? native = null, string[]? commandLineArgs = null, bool mapAuto = true) => new()
    {
        Euid = euid,
        Egid = euid,
        UserName = "alice",
        Home = "/home/alice",
        GetEnvironmentVariable = name => env is not null && env.TryGetValue(name, out var v) ? v : null,
        FindProgram = name => (programs ?? ["unshare", "newuidmap", "newgidmap"]).Contains(name) ? "/usr/bin/" + name : null,
        SubuidText = subuid,
        SubgidText = subgid,
        UsernsProblem = usernsProblem,
        ProcessPath = processPath,
        NativeCommandLine = native,
        CommandLineArgs = commandLineArgs ?? ["/opt/img/img.dll"],
        UnshareHasMapAuto = _ => mapAuto,
    };

    private static RootlessReexec.Decision Decide(RootlessFacts facts, params string[] args) => RootlessReexec.Decide(Commands, args, facts);

    [Theory]
    [InlineData("build", ".")]
    [InlineData("unpack", "busybox", "dir")]
    [InlineData("--debug", "build", "-t", "x", ".")]
    [InlineData("-s", "/tmp/s", "unpack", "busybox")]
    [InlineData("prune", "-a")]
    [InlineData("du", "-v")]
    [InlineData("image", "prune", "-f")]
    public void Build_and_unpack_as_a_user_re_execute(params string[] args)
    {
        var plan = Assert.IsType<RootlessReexec.Decision.Reexec>(Decide(Facts(), args));
        Assert.Equal("/usr/bin/unshare", plan.Program);
        Assert.Equal(["--user", "--map-root-user", "--map-auto", "--mount", "--propagation", "private", "--", "/opt/img/img", .. args], plan.Arguments);
        Assert.Equal("1", plan.Environment["IMG_REEXEC"]);
        Assert.True(plan.FullMapping);
        Assert.Null(plan.Warning);
    }

    [Theory]
    [InlineData("ls")]
    [InlineData("pull", "busybox")]
    [InlineData("push", "busybox")]
    [InlineData("tag", "a", "b")]
    [InlineData("import", "x.tar", "busybox")]
    [InlineData("load", "-i", "x.tar")]
    [InlineData("save", "busybox")]
    [InlineData("image", "ls")]
    [InlineData("image", "prune", "--help")]
    [InlineData("debug", "build")]
    [InlineData("version")]
    [InlineData("build", "--help")]
    [InlineData("--help", "build")]
    [InlineData("build", "--no-such-flag", ".")]
    [InlineData("--debug")]
    public void Other_commands_help_and_flag_errors_run_in_process(params string[] args) =>
        Assert.IsType<RootlessReexec.Decision.InProcess>(Decide(Facts(), args));

    [Fact]
    public void Each_command_declares_whether_it_uses_the_user_namespace()
    {
        static IEnumerable<(string Path, UserNamespaceUse Use)> Walk(IEnumerable<ICommand> commands, string prefix) =>
            commands.SelectMany(c => c is CommandGroup g
                ? Walk(g.Subcommands, prefix + g.Name + " ")
                : [(prefix + c.Name, c.UserNamespace)]);
        var uses = Walk(Commands, "").Where(c => c.Use != UserNamespaceUse.None).OrderBy(c => c.Path, StringComparer.Ordinal).ToList();
        Assert.Equal(
            [("build", UserNamespaceUse.Required), ("du", UserNamespaceUse.WhenAvailable), ("image prune", UserNamespaceUse.WhenAvailable),
             ("node", UserNamespaceUse.Required), ("prune", UserNamespaceUse.WhenAvailable), ("unpack", UserNamespaceUse.Required)],
            uses);
    }

    [Fact]
    public void Root_does_not_re_execute() =>
        Assert.IsType<RootlessReexec.Decision.InProcess>(Decide(Facts(euid: 0), "build", "."));

    [Fact]
    public void The_re_executed_child_runs_in_process_and_knows_about_debug()
    {
        var env = new Dictionary<string, string> { ["IMG_REEXEC"] = "1" };
        Assert.Equal(new RootlessReexec.Decision.Child(true), Decide(Facts(euid: 0, env: env), "build", "--debug", "."));
        Assert.Equal(new RootlessReexec.Decision.Child(false), Decide(Facts(euid: 0, env: env), "build", "."));
        // Still not root although marked: never loop.
        Assert.IsType<RootlessReexec.Decision.InProcess>(Decide(Facts(env: env), "build", "."));
    }

    [Fact]
    public void The_state_directory_is_resolved_as_the_real_user_and_passed_on()
    {
        var plan = Assert.IsType<RootlessReexec.Decision.Reexec>(Decide(Facts(), "build", "."));
        Assert.Equal("/home/alice/.local/share/img", plan.Environment["IMG_STATE"]);

        var xdg = new Dictionary<string, string> { ["XDG_DATA_HOME"] = "/data/alice" };
        plan = Assert.IsType<RootlessReexec.Decision.Reexec>(Decide(Facts(env: xdg), "build", "."));
        Assert.Equal("/data/alice/img", plan.Environment["IMG_STATE"]);

        var imgState = new Dictionary<string, string> { ["IMG_STATE"] = "/srv/img" };
        plan = Assert.IsType<RootlessReexec.Decision.Reexec>(Decide(Facts(env: imgState), "build", "."));
        Assert.Equal("/srv/img", plan.Environment["IMG_STATE"]);

        plan = Assert.IsType<RootlessReexec.Decision.Reexec>(Decide(Facts(), "build", "--state", "rel/state", "."));
        Assert.Equal(Path.GetFullPath("rel/state"), plan.Environment["IMG_STATE"]);
    }

    [Fact]
    public void Without_a_subuid_range_the_mapping_is_a_single_uid_with_a_warning()
    {
        var plan = Assert.IsType<RootlessReexec.Decision.Reexec>(Decide(Facts(subuid: "bob:100000:65536\n"), "build", "."));
        Assert.Equal(["--user", "--map-root-user", "--mount", "--propagation", "private", "--", "/opt/img/img", "build", "."], plan.Arguments);
        Assert.False(plan.FullMapping);
        Assert.StartsWith("WARNING: no subuid range for alice in /etc/subuid: building with a single-uid mapping; files owned by other users (e.g. COPY --chown=1000", plan.Warning);

        plan = Assert.IsType<RootlessReexec.Decision.Reexec>(Decide(Facts(subgid: null), "unpack", "busybox"));
        Assert.StartsWith("WARNING: no subgid range for alice in /etc/subgid: unpacking with a single-uid mapping", plan.Warning);

        plan = Assert.IsType<RootlessReexec.Decision.Reexec>(Decide(Facts(programs: ["unshare"]), "build", "."));
        Assert.Contains("newuidmap/newgidmap are not installed (Debian package uidmap)", plan.Warning);
        Assert.DoesNotContain("--map-auto", plan.Arguments);

        plan = Assert.IsType<RootlessReexec.Decision.Reexec>(Decide(Facts(mapAuto: false), "build", "."));
        Assert.StartsWith("WARNING: /usr/bin/unshare has no --map-auto (util-linux older than 2.38): building with a single-uid mapping", plan.Warning);
        Assert.DoesNotContain("--map-auto", plan.Arguments);
    }

    [Fact]
    public void Debug_lines_say_what_happens()
    {
        var plan = Assert.IsType<RootlessReexec.Decision.Reexec>(Decide(Facts(), "--debug", "build", "."));
        Assert.Collection(plan.DebugLines,
            l => Assert.Equal("uid 1001 (alice) is not root: re-executing \"img build\" as root of a new user + mount namespace", l),
            l => Assert.Contains("/etc/subuid range 165536:65536", l),
            l => Assert.Equal("state directory /home/alice/.local/share/img (passed to the child as IMG_STATE)", l),
            l => Assert.Equal("exec /usr/bin/unshare --user --map-root-user --map-auto --mount --propagation private -- /opt/img/img --debug build .", l));
        Assert.Empty(Assert.IsType<RootlessReexec.Decision.Reexec>(Decide(Facts(), "build", ".")).DebugLines);
    }

    [Fact]
    public void Missing_unshare_or_user_namespaces_fail_clearly()
    {
        var fail = Assert.IsType<RootlessReexec.Decision.Fail>(Decide(Facts(programs: []), "build", "."));
        Assert.Contains("util-linux unshare", fail.Message);
        fail = Assert.IsType<RootlessReexec.Decision.Fail>(Decide(Facts(usernsProblem: "the kernel forbids it"), "build", "."));
        Assert.Equal("img build as a non-root user runs in a user namespace, but the kernel forbids it", fail.Message);
    }

    [Theory]
    [InlineData("du")]
    [InlineData("prune")]
    public void Du_and_prune_without_a_namespace_run_in_process_and_never_warn_about_ownership(string command)
    {
        var inProcess = Assert.IsType<RootlessReexec.Decision.InProcess>(Decide(Facts(usernsProblem: "the kernel forbids it"), command));
        Assert.Equal($"img {command} as a non-root user runs in a user namespace, but the kernel forbids it; running without a user namespace", inProcess.Reason);
        Assert.IsType<RootlessReexec.Decision.InProcess>(Decide(Facts(programs: []), command));
        var plan = Assert.IsType<RootlessReexec.Decision.Reexec>(Decide(Facts(subuid: ""), command));
        Assert.Null(plan.Warning);
    }

    [Fact]
    public void Subordinate_ranges_match_by_name_or_uid()
    {
        const string text = "# comment\nbob:100000:65536\n1001:300000:1000\nalice:200000:65536\nalice:bad:1\nalice:5:0\n";
        Assert.Equal([new SubordinateRange(300000, 1000), new SubordinateRange(200000, 65536)], SubordinateIds.Find(text, "alice", 1001));
        Assert.Empty(SubordinateIds.Find(text, "carol", 1002));
        Assert.Empty(SubordinateIds.Find(null, "alice", 1001));
    }

    [Fact]
    public void The_apphost_is_started_again_as_it_is()
    {
        var (prefix, managed) = RootlessReexec.SelfInvocation(["/opt/img/img", "build", "."], ["build", "."], ["/opt/img/img.dll"], "/opt/img/img");
        Assert.Empty(prefix);
        Assert.Equal(["build", "."], managed);
    }

    [Fact]
    public void Dotnet_img_dll_is_started_with_its_host_arguments()
    {
        var (prefix, _) = RootlessReexec.SelfInvocation(
            ["dotnet", "exec", "--runtimeconfig", "img.runtimeconfig.json", "/opt/img/img.dll", "build", "--debug", "."],
            ["build", "--debug", "."], ["/opt/img/img.dll"], "/usr/share/dotnet/dotnet");
        Assert.Equal(["exec", "--runtimeconfig", "img.runtimeconfig.json", "/opt/img/img.dll"], prefix);

        var plan = Assert.IsType<RootlessReexec.Decision.Reexec>(Decide(
            Facts(processPath: "/usr/share/dotnet/dotnet", native: ["dotnet", "/opt/img/img.dll", "build", "a b"]), "build", "a b"));
        Assert.Equal(["--", "/usr/share/dotnet/dotnet", "/opt/img/img.dll", "build", "a b"], plan.Arguments.SkipWhile(a => a != "--"));
    }

    [Fact]
    public void Without_a_native_command_line_dotnet_gets_the_entry_assembly()
    {
        var (prefix, _) = RootlessReexec.SelfInvocation(null, ["build", "."], ["/opt/img/img.dll", "build", "."], "/usr/share/dotnet/dotnet");
        Assert.Equal(["/opt/img/img.dll"], prefix);
        (prefix, _) = RootlessReexec.SelfInvocation(["something", "else"], ["build", "."], ["/opt/img/img.dll"], "/opt/img/img");
        Assert.Empty(prefix);
    }
}
