using Img.Cli.Commands;
using Img.Cli.Hosting;

namespace Img.Cli;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cts.Cancel();
        };
        var app = new ImgApp(CommandCatalog.All()) { Terminal = ConsoleTerminal.OpenIfInteractive(), StderrIsTerminal = !Console.IsErrorRedirected };
        return await app.RunAsync(args, Console.Out, Console.Error, Console.OpenStandardInput, cts.Token);
    }
}
