using System.Text;
using Img.Cli;

namespace Img.Cli.Tests;

/// <summary>Runs the real command dispatcher in-process and captures what it prints.</summary>
public static class AppRunner
{
    public sealed record Result(int ExitCode, string Out, string Error);

    public static async Task<Result> RunAsync(params string[] args) => await RunWithStdinAsync("", args);

    public static async Task<Result> RunWithStdinAsync(string stdin, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await ImgApp.Default().RunAsync(args, stdout, stderr,
            () => new MemoryStream(Encoding.UTF8.GetBytes(stdin)), CancellationToken.None);
        return new Result(code, stdout.ToString(), stderr.ToString());
    }
}
