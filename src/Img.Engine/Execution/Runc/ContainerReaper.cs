using System.Diagnostics;
using Img.Engine.Mounts;

namespace Img.Engine.Execution.Runc;

/// <summary>
/// Kills the containers of this process when it dies, however it dies (SIGKILL included).
/// <c>runc run</c> does not do it: killing runc leaves its container running, reparented, and a
/// parent-death signal on runc would only kill runc. So one small shell process per img process,
/// in its own session (a signal to img's process group does not reach it), waits for EOF on a
/// pipe only img holds; at EOF it runs <c>runc kill ID KILL</c> for every container of this
/// process (ids start with <see cref="ContainerPrefix"/>) under every registered runc root,
/// again one second later for a runc that was still creating its container, and lazily unmounts
/// their bundles' rootfs. Killing a container's init ends its pid namespace, so every process
/// of the step goes; <c>runc run</c> then exits by itself. Costs nothing per step.
/// </summary>
internal static class ContainerReaper
{
    // $1 = runc, $2 = container id prefix; stdin: "root DIR" / "bundles DIR" lines; EOF = img is gone.
    // First of all it lets go of img's stdout and stderr: whoever reads img's output through a
    // pipe must see the end when img exits, not when the reaper does.
    private const string Script = """
        exec >/dev/null 2>&1
        runc=$1; prefix=$2; roots=; bundles=; nl='
        '
        while IFS= read -r line; do
          case $line in
            root\ *) roots=$roots$nl${line#root };;
            bundles\ *) bundles=$bundles$nl${line#bundles };;
          esac
        done
        IFS=$nl
        for pass in 1 2; do
          for root in $roots; do
            for dir in "$root/$prefix"*; do
              [ -d "$dir" ] && "$runc" --root "$root" kill "${dir##*/}" KILL 2>/dev/null
            done
          done
          [ $pass = 1 ] && sleep 1
        done
        for b in $bundles; do
          for dir in "$b/$prefix"*; do
            [ -d "$dir/rootfs" ] && umount -l "$dir/rootfs" 2>/dev/null
          done
        done
        exit 0
        """;

    private static readonly object Gate = new();
    private static readonly HashSet<string> Registered = new(StringComparer.Ordinal);
    private static Process? _reaper;

    /// <summary>Prefix of every container id and bundle directory name of this process.</summary>
    public static readonly string ContainerPrefix = $"img-{Environment.ProcessId:x}-";

    /// <summary>
    /// Makes sure the reaper runs and knows <paramref name="runcRoot"/> and <paramref name="bundles"/>.
    /// Call before starting a container there. Never throws: without a reaper, containers only
    /// outlive a killed img (as they did before it existed).
    /// </summary>
    public static void Watch(string runc, string runcRoot, string bundles)
    {
        lock (Gate)
        {
            try
            {
                _reaper ??= Start(runc);
                if (_reaper is null || runcRoot.Contains('\n') || bundles.Contains('\n'))
                    return;
                if (Registered.Add(runcRoot))
                    _reaper.StandardInput.WriteLine("root " + runcRoot);
                if (Registered.Add("\0" + bundles))
                    _reaper.StandardInput.WriteLine("bundles " + bundles);
                _reaper.StandardInput.Flush();
            }
            catch (IOException)
            {
                // the reaper died: containers are then killed only by the next start's sweep
            }
        }
    }

    private static Process? Start(string runc)
    {
        var setsid = Mounter.FindProgram("setsid");
        var psi = new ProcessStartInfo(setsid ?? "/bin/sh")
        {
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = "/",
        };
        if (setsid is not null)
            psi.ArgumentList.Add("/bin/sh");
        foreach (var a in new[] { "-c", Script, "img-reaper", runc, ContainerPrefix })
            psi.ArgumentList.Add(a);
        try
        {
            return Process.Start(psi);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
