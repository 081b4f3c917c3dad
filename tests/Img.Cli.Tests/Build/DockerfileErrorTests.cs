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

    [Fact]
    public async Task A_missing_COPY_source_fails_its_step_with_the_excerpt_and_one_error_line()
    {
        await _img.OkAsync("import", "-c", "ENV PATH=/bin", await BusyboxRootfs.PathAsync(), "busybox:latest");
        var r = await BuildAsync("FROM busybox\nCOPY not-there.txt /x\nRUN echo never\n");
        Assert.Equal(1, r.ExitCode);
        // buildx: the step fails (its ERROR line), its report, the excerpt, then the solve error once
        Assert.Matches(
            "\n#(\\d+) \\[2/3\\] COPY not-there.txt /x\n#\\1 ERROR: failed to compute cache key: \"/not-there.txt\": not found\n",
            r.Error);
        Assert.EndsWith(
            "------\n > [2/3] COPY not-there.txt /x:\n------\n" +
            "Dockerfile:2\n--------------------\n   1 |     FROM busybox\n   2 | >>> COPY not-there.txt /x\n   3 |     RUN echo never\n   4 |     \n--------------------\n" +
            "ERROR: failed to build: failed to solve: failed to compute cache key: \"/not-there.txt\": not found\n",
            r.Error);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(r.Error, "ERROR: failed to build"));
        Assert.DoesNotContain("[3/3]", r.Error);
    }

    [Fact]
    public async Task A_failing_RUN_prints_failed_to_build_once()
    {
        await _img.OkAsync("import", "-c", "ENV PATH=/bin", await BusyboxRootfs.PathAsync(), "busybox:latest");
        var r = await BuildAsync("FROM busybox\nRUN exit 3\n");
        Assert.Equal(1, r.ExitCode);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(r.Error, "ERROR: failed to build"));
        Assert.EndsWith("ERROR: failed to build: failed to solve: process \"/bin/sh -c exit 3\" did not complete successfully: exit code: 3\n", r.Error);
    }
}
