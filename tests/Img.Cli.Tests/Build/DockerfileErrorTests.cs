using Img.Cli.Tests.Images;

namespace Img.Cli.Tests.Build;

/// <summary>
/// A Dockerfile error in <c>img build</c> is reported as BuildKit does: the lines around the
/// offending one (<c>Dockerfile:N</c> and a <c>&gt;&gt;&gt;</c> marker), then the solve error;
/// instructions that do not parse say <c>dockerfile parse error on line N</c>.
/// </summary>
public sealed class DockerfileErrorTests : IDisposable
{
    private readonly ImagesRunner _img = new();

    public void Dispose() => _img.Dispose();

    private async Task<ImagesRunner.Result> BuildAsync(string dockerfile)
    {
        var dir = _img.PathOf("ctx");
        Directory.CreateDirectory(dir);
        await File.WriteAllTextAsync(Path.Combine(dir, "Dockerfile"), dockerfile);
        return await _img.RunAsync("build", "--progress=plain", dir);
    }

    [Fact]
    public async Task An_unknown_instruction_is_a_parse_error_with_the_excerpt()
    {
        var r = await BuildAsync("FROM busybox\n\nFROOM x\nRUN true\n");
        Assert.Equal(1, r.ExitCode);
        Assert.EndsWith(
            "Dockerfile:3\n--------------------\n   1 |     FROM busybox\n   2 |     \n   3 | >>> FROOM x\n   4 |     RUN true\n   5 |     \n--------------------\n" +
            "ERROR: failed to build: failed to solve: dockerfile parse error on line 3: unknown instruction: FROOM (did you mean FROM?)\n",
            r.Error);
    }

    [Fact]
    public async Task A_bad_flag_is_a_parse_error_of_the_instruction_line()
    {
        var r = await BuildAsync("FROM busybox\nCOPY --nope=1 a /b\n");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("Dockerfile:2\n--------------------\n", r.Error);
        Assert.Contains("   2 | >>> COPY --nope=1 a /b\n", r.Error);
        Assert.Contains("ERROR: failed to build: failed to solve: dockerfile parse error on line 2: unknown flag: --nope\n", r.Error);
    }

    [Fact]
    public async Task An_instruction_before_FROM_is_located_but_not_a_parse_error()
    {
        var r = await BuildAsync("RUN true\nFROM busybox\n");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("   1 | >>> RUN true\n", r.Error);
        Assert.EndsWith("ERROR: failed to build: failed to solve: no build stage in current context\n", r.Error);
    }

    [Fact]
    public async Task An_error_without_a_line_has_no_excerpt()
    {
        var dir = _img.PathOf("ctx");
        Directory.CreateDirectory(dir);
        await File.WriteAllTextAsync(Path.Combine(dir, "Dockerfile"), "FROM busybox AS one\n");
        var r = await _img.RunAsync("build", "--progress=plain", "--target", "nope", dir);
        Assert.Equal(1, r.ExitCode);
        Assert.DoesNotContain("--------------------", r.Error);
        Assert.Contains("ERROR: failed to build: failed to solve: ", r.Error);
        Assert.Contains("nope", r.Error);
    }
}
