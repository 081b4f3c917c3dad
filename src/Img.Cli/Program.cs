using System.Runtime.InteropServices;
using Img.Cli.Commands;
using Img.Cli.Hosting;

namespace Img.Cli;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var commands = CommandCatalog.All();
        // Non-root build/unpack: run again as root of a user namespace (before anything touches the console).
        if (RootlessReexec.RunIfNeeded(commands, args, Console.Error) is { } exitCode)
            return exitCode;

        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cts.Cancel();
        };
        // The first SIGTERM cancels like Ctrl-C (runc containers are killed, mounts undone); a second one terminates.
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx =>
        {
            ctx.Cancel = !cts.IsCancellationRequested;
            cts.Cancel();
        });
        var app = new ImgApp(commands) { Terminal = ConsoleTerminal.OpenIfInteractive(), StderrIsTerminal = !Console.IsErrorRedirected };
        return await app.RunAsync(args, Console.Out, Console.Error, Console.OpenStandardInput, cts.Token);
    }
}
