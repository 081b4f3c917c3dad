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
        return await ImgApp.Default().RunAsync(args, Console.Out, Console.Error, Console.OpenStandardInput, cts.Token);
    }
}
