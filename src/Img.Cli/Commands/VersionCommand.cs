using System.Reflection;
using System.Runtime.InteropServices;
using Img.Cli.CommandLine;

namespace Img.Cli.Commands;

public sealed class VersionCommand : ICommand
{
    public string Name => "version";
    public string Usage => "[OPTIONS]";
    public string Summary => "Show the version information";
    public IReadOnlyList<FlagSpec> Flags => [];

    public async Task<int> RunAsync(CommandContext context, ParsedArgs args, CancellationToken cancellationToken)
    {
        if (args.Positionals.Count > 0)
            throw new UsageException("\"img version\" accepts no arguments.", Name, 1);
        var asm = typeof(VersionCommand).Assembly;
        var version = asm.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "dev";
        await context.Out.WriteLineAsync($"version     : {version}");
        await context.Out.WriteLineAsync($"runtime     : {RuntimeInformation.FrameworkDescription}");
        await context.Out.WriteLineAsync($"platform    : {RuntimeInformation.OSDescription} {RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant()}");
        return 0;
    }
}
