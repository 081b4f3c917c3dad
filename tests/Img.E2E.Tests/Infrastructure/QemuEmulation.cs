using Img.Engine.Tests.Fixtures;

namespace Img.E2E.Tests.Infrastructure;

/// <summary>
/// QEMU user emulation for foreign-architecture RUN steps: binfmt_misc mounted and Debian
/// <c>qemu-user-static</c>'s handler for an architecture registered (with its F flag, as the
/// package's <c>/usr/lib/binfmt.d</c> entry says), done here when missing. Fails, never skips,
/// when the package is not installed.
/// </summary>
public static class QemuEmulation
{
    /// <summary>Makes the kernel run <paramref name="qemuName"/> (<c>aarch64</c>, <c>s390x</c>) binaries through QEMU.</summary>
    public static Task EnsureRegisteredAsync(string qemuName) => ForeignArchitecture.EnsureEmulationAsync(qemuName);

    /// <summary>
    /// Disables the handler for <paramref name="qemuName"/> while the returned scope lives (the
    /// kernel's registry is global: only for an architecture no other test uses), enabling it
    /// again afterwards if it was enabled.
    /// </summary>
    public static IDisposable Disabled(string qemuName)
    {
        var entry = Path.Join(ForeignArchitecture.BinfmtRoot, "qemu-" + qemuName);
        var wasEnabled = File.Exists(entry) && File.ReadAllText(entry).StartsWith("enabled", StringComparison.Ordinal);
        if (wasEnabled)
            File.WriteAllText(entry, "0");
        return new Restore(() =>
        {
            if (wasEnabled)
                File.WriteAllText(entry, "1");
        });
    }

    private sealed class Restore(Action action) : IDisposable
    {
        public void Dispose() => action();
    }
}
