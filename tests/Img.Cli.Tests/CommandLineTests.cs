namespace Img.Cli.Tests;

public class CommandLineTests
{
    [Fact]
    public async Task UnknownFlagExits125AndNamesTheFlag()
    {
        var r = await AppRunner.RunAsync("version", "--frobnicate");
        Assert.Equal(125, r.ExitCode);
        Assert.Contains("unknown flag: --frobnicate", r.Error);
        Assert.Contains("See 'img version --help'.", r.Error);
    }

    [Fact]
    public async Task UnknownCommandExitsNonZero()
    {
        var r = await AppRunner.RunAsync("frobnicate");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("unknown command: \"frobnicate\"", r.Error);
    }

    [Fact]
    public async Task RootHelpListsCommands()
    {
        var r = await AppRunner.RunAsync("--help");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("version", r.Out);
    }

    [Fact]
    public async Task CommandHelpShowsUsageAndGlobalFlags()
    {
        var r = await AppRunner.RunAsync("version", "--help");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("Usage:  img version", r.Out);
        Assert.Contains("--state", r.Out);
    }

    [Fact]
    public async Task VersionPrintsRuntime()
    {
        var r = await AppRunner.RunAsync("version");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains(".NET", r.Out);
    }
}
