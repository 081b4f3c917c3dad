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
        // The first Ctrl-C or SIGTERM cancels (runc containers are killed, mounts undone, then
        // exit 130 as buildx); a second one terminates at once.
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = !cts.IsCancellationRequested;
            cts.Cancel();
        };
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx =>
        {
            ctx.Cancel = !cts.IsCancellationRequested;
            cts.Cancel();
        });
        var app = new ImgApp(commands) { Terminal = ConsoleTerminal.OpenIfInteractive(), StderrIsTerminal = !Console.IsErrorRedirected };
        return await app.RunAsync(args, Console.Out, Console.Error, Console.OpenStandardInput, cts.Token);
    }
}
