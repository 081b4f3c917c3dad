namespace Img.Cli.Tests;

public class DebugParseCommandTests
{
    [Fact]
    public async Task PrintsBuildKitDumpFromStdin()
    {
        var r = await AppRunner.RunWithStdinAsync("FROM busybox AS b\nCOPY --from=x a b\nENV A=1 B=2\n", "debug", "parse", "-");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("(from \"busybox\" \"AS\" \"b\")\n(copy [\"--from=x\"] \"a\" \"b\")\n(env \"A\" \"1\" \"=\" \"B\" \"2\" \"=\")\n", r.Out);
    }

    [Fact]
    public async Task ParseErrorNamesFileAndLine()
    {
        var dir = Directory.CreateTempSubdirectory();
        try
        {
            var file = Path.Combine(dir.FullName, "app.Dockerfile");
            await File.WriteAllTextAsync(file, "FROM busybox\nENV a\n");
            var r = await AppRunner.RunAsync("debug", "parse", file);
            Assert.Equal(1, r.ExitCode);
            Assert.StartsWith("ERROR: app.Dockerfile:2: ", r.Error);
            Assert.Equal("", r.Out);
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public async Task MissingFileIsAClearError()
    {
        var r = await AppRunner.RunAsync("debug", "parse", "/nonexistent/Dockerfile");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("no such file or directory", r.Error);
    }

    [Fact]
    public async Task WrongArgumentCount()
    {
        var r = await AppRunner.RunAsync("debug", "parse");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("requires exactly 1 argument", r.Error);
    }

    [Fact]
    public async Task UnknownSubcommand()
    {
        var r = await AppRunner.RunAsync("debug", "nope");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("unknown command: \"debug nope\"", r.Error);
    }
}
