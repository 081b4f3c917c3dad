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

    /// <summary>The assembly's informational version: <c>VERSION[+COMMIT]</c> (the SDK appends the source commit when it knows it).</summary>
    private static string InformationalVersion =>
        typeof(VersionCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "dev";

    /// <summary>What <c>img --version</c> prints, in docker's <c>Docker version 27.3.1, build ce12230</c> form.</summary>
    public static string OneLine()
    {
        var version = InformationalVersion;
        var plus = version.IndexOf('+');
        if (plus < 0)
            return $"img version {version}";
        var commit = version[(plus + 1)..];
        return $"img version {version[..plus]}, build {commit[..Math.Min(7, commit.Length)]}";
    }

    public async Task<int> RunAsync(CommandContext context, ParsedArgs args, CancellationToken cancellationToken)
    {
        if (args.Positionals.Count > 0)
            throw UsageException.Arguments("\"img version\" accepts no arguments.", Name);
        await context.Out.WriteLineAsync($"version     : {InformationalVersion}");
        await context.Out.WriteLineAsync($"runtime     : {RuntimeInformation.FrameworkDescription}");
        await context.Out.WriteLineAsync($"platform    : {RuntimeInformation.OSDescription} {RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant()}");
        return 0;
    }
}
