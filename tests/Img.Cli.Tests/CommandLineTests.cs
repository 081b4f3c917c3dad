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

    [Theory]
    [InlineData("--version")]
    [InlineData("-v")]
    public async Task Version_flag_prints_one_line_as_docker_does(string flag)
    {
        var r = await AppRunner.RunAsync(flag);
        Assert.Equal(0, r.ExitCode);
        Assert.Matches(@"^img version [0-9][^\s,]*(, build [0-9a-f]{1,7})?\n$", r.Out);
        Assert.Equal("", r.Error);
    }

    [Fact]
    public async Task The_version_shorthand_belongs_to_the_root_only()
    {
        var r = await AppRunner.RunAsync("build", "-v", ".");
        Assert.Equal(125, r.ExitCode);
        Assert.Equal("unknown shorthand flag: 'v' in -v\nSee 'img build --help'.\n", r.Error);
    }

    [Fact]
    public async Task A_bad_global_flag_points_at_img_help_without_a_double_space()
    {
        var r = await AppRunner.RunAsync("--frobnicate");
        Assert.Equal(125, r.ExitCode);
        Assert.Equal("unknown flag: --frobnicate\nSee 'img --help'.\n", r.Error);
    }

    [Fact]
    public async Task Build_without_a_path_prints_buildx_line_then_see_and_usage()
    {
        var r = await AppRunner.RunAsync("build");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal(
            "ERROR: \"img build\" requires exactly 1 argument.\nSee 'img build --help'.\n\n" +
            "Usage:  img build [OPTIONS] PATH | -\n\nBuild an image from a Dockerfile\n",
            r.Error);
    }

    [Fact]
    public async Task Argument_count_errors_print_see_and_usage_as_docker()
    {
        var r = await AppRunner.RunAsync("tag", "only-one");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal(
            "\"img tag\" requires exactly 2 arguments.\nSee 'img tag --help'.\n\n" +
            "Usage:  img tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]\n\nCreate a tag TARGET_IMAGE that refers to SOURCE_IMAGE\n",
            r.Error);
    }

    [Fact]
    public async Task Node_platform_flag_must_name_platforms()
    {
        var r = await AppRunner.RunAsync("node", "--join", "127.0.0.1:1", "--insecure", "--platform", "linux/amd64,linux/arm64/v8/extra");
        Assert.Equal(125, r.ExitCode);
        Assert.Contains("invalid argument \"linux/arm64/v8/extra\" for \"--platform\" flag:", r.Error);
        Assert.Contains("See 'img node --help'.", r.Error);
    }
}
