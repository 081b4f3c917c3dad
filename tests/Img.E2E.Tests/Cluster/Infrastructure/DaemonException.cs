namespace Img.E2E.Tests.Cluster.Infrastructure;

/// <summary>A daemon that did not do what the test waited for; the message ends with what it printed.</summary>
public sealed class DaemonException(string message, DaemonProcess daemon)
    : Exception($"{message}\n`{daemon.CommandLine}`\n{DaemonLogs.Tail(daemon)}");
