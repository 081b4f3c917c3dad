using Img.Engine.Platforms;

namespace Img.Engine.Execution.Emulation;

/// <summary>
/// Before a container starts: when the program it runs is built for another architecture than
/// the host's, a binfmt_misc handler (QEMU user emulation) must be registered for it, with the F
/// flag so it works inside the container. BuildKit lets runc fail with <c>exec format error</c>;
/// img says what is missing and how to install it instead.
/// </summary>
public sealed class ForeignArchitectureCheck(BinfmtMisc binfmt, string hostArchitecture)
{
    /// <summary>The check for this host and the kernel's registry.</summary>
    public static ForeignArchitectureCheck Host { get; } = new(new BinfmtMisc(), PlatformSpec.Default().Architecture);

    /// <exception cref="ExecutionException">The program cannot run here, with what to install.</exception>
    public void Check(string rootfs, ExecSpec spec)
    {
        if (spec.Args.Count == 0 || Locate(rootfs, spec) is not { } program)
            return;
        var (path, header) = program;
        var arch = ElfMachine.Architecture(header);
        if (arch is null || arch == hostArchitecture)
            return;
        var handler = binfmt.HandlerFor(header);
        if (handler is null)
        {
            // a 64-bit kernel usually runs its 32-bit sibling natively
            if ((hostArchitecture, arch) is ("amd64", "386") or ("arm64", "arm"))
                return;
            var missing = binfmt.Available
                ? $"no binfmt_misc handler for {arch} is registered"
                : $"binfmt_misc is not mounted at {BinfmtMisc.DefaultRoot}";
            throw new ExecutionException(
                $"cannot run {path}: it is a linux/{arch} program and this host is linux/{hostArchitecture}, and {missing}: " +
                "install QEMU user emulation (Debian: apt-get install qemu-user-static) and make sure binfmt_misc is mounted " +
                $"(mount -t binfmt_misc binfmt_misc {BinfmtMisc.DefaultRoot}) with its handlers registered");
        }
        if (!handler.FixBinary)
        {
            throw new ExecutionException(
                $"cannot run {path}: it is a linux/{arch} program and the binfmt_misc handler {handler.Name} ({handler.Interpreter}) " +
                "was registered without the F (fix binary) flag, so containers cannot reach its interpreter: register it with F " +
                "(Debian's qemu-user-static does)");
        }
    }

    /// <summary>The program runc would start (PATH lookup as in the container, one #! interpreter followed), with its header.</summary>
    private static (string Path, byte[] Header)? Locate(string rootfs, ExecSpec spec)
    {
        var name = spec.Args[0];
        var candidates = name.Contains('/')
            ? [name.StartsWith('/') ? name : Paths.GoPath.Join(spec.Cwd, name)]
            : SearchPath(spec).Select(dir => Paths.GoPath.Join(dir, name));
        foreach (var candidate in candidates)
        {
            string host;
            try
            {
                host = RootfsPath.Resolve(rootfs, candidate);
            }
            catch (IOException)
            {
                continue;
            }
            if (!File.Exists(host) || ElfMachine.ReadHeader(host) is not { } header)
                continue;
            if (header is [(byte)'#', (byte)'!', ..] && Interpreter(host) is { } interpreter && interpreter != candidate)
                return Locate(rootfs, spec with { Args = [interpreter] });
            return (candidate, header);
        }
        return null;
    }

    private static IEnumerable<string> SearchPath(ExecSpec spec)
    {
        var path = spec.Env.LastOrDefault(e => e.StartsWith("PATH=", StringComparison.Ordinal))?[5..] ?? ExecSpec.DefaultPath;
        return path.Split(':', StringSplitOptions.RemoveEmptyEntries);
    }

    private static string? Interpreter(string script)
    {
        try
        {
            using var reader = new StreamReader(script);
            var line = reader.ReadLine();
            var words = line?[2..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return words is { Length: > 0 } && words[0].StartsWith('/') ? words[0] : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
