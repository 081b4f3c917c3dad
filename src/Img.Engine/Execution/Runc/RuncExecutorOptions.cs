namespace Img.Engine.Execution.Runc;

/// <summary>Settings of <see cref="RuncExecutor"/>.</summary>
/// <param name="StateDirectory">Holds runc's state (<c>runc/</c>) and one bundle per running step (<c>bundles/</c>).</param>
/// <param name="RuncPath">The runc binary; null looks it up in PATH, /usr/sbin and /usr/bin.</param>
/// <param name="Rootless">Force rootless mode on or off; null decides from /proc/self/uid_map and the effective uid.</param>
public sealed record RuncExecutorOptions(string StateDirectory, string? RuncPath = null, bool? Rootless = null);
