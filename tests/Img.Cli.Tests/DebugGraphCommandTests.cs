namespace Img.Cli.Tests;

public class DebugGraphCommandTests
{
    private const string TwoStages = "FROM busybox AS a\nRUN echo a\nFROM busybox AS b\nRUN echo b\nFROM busybox\nCOPY --from=a / /a\n";

    [Fact]
    public async Task TextListsVerticesAndTheTarget()
    {
        var r = await AppRunner.RunWithStdinAsync(TwoStages, "debug", "graph", "-");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("RUN echo a", r.Out);
        Assert.DoesNotContain("RUN echo b", r.Out); // stage b is not needed by the final stage
        Assert.Contains("(target)", r.Out);
    }

    [Fact]
    public async Task TargetSelectsAStage()
    {
        var r = await AppRunner.RunWithStdinAsync(TwoStages, "debug", "graph", "--target", "b", "-");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("RUN echo b", r.Out);
        Assert.DoesNotContain("RUN echo a", r.Out);
    }

    [Fact]
    public async Task UnknownTargetIsAnError()
    {
        var r = await AppRunner.RunWithStdinAsync(TwoStages, "debug", "graph", "--target", "nope", "-");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("nope", r.Error);
    }

    [Fact]
    public async Task DotIsADigraph()
    {
        var r = await AppRunner.RunWithStdinAsync(TwoStages, "debug", "graph", "--format=dot", "-");
        Assert.Equal(0, r.ExitCode);
        Assert.StartsWith("digraph", r.Out);
        Assert.Contains("->", r.Out);
        Assert.EndsWith("}\n", r.Out);
    }

    [Fact]
    public async Task BuildArgChangesTheGraph()
    {
        const string df = "ARG V=1\nFROM busybox\nARG V\nRUN echo $V\n";
        var one = await AppRunner.RunWithStdinAsync(df, "debug", "graph", "-");
        var two = await AppRunner.RunWithStdinAsync(df, "debug", "graph", "--build-arg", "V=2", "-");
        Assert.Equal(0, two.ExitCode);
        Assert.NotEqual(one.Out, two.Out);
    }

    [Fact]
    public async Task InstructionErrorsNameFileAndLine()
    {
        var r = await AppRunner.RunWithStdinAsync("FROM busybox\nRUNN x\n", "debug", "graph", "-");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("Dockerfile:2: unknown instruction: RUNN (did you mean RUN?)", r.Error);
    }

    [Fact]
    public async Task BadFormatIsAFlagError()
    {
        var r = await AppRunner.RunWithStdinAsync(TwoStages, "debug", "graph", "--format", "svg", "-");
        Assert.Equal(125, r.ExitCode);
    }
}
