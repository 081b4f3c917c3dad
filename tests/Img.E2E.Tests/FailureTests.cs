using Img.E2E.Tests.Infrastructure;
using Img.Engine.Tests.Fixtures;

namespace Img.E2E.Tests;

/// <summary>Failed builds: BuildKit's messages, a non-zero exit, and a store that is still whole afterwards.</summary>
[Collection(E2ECollection.Name)]
public sealed class FailureTests(ImgFixture fixture)
{
    [Fact]
    public async Task RunExitCode_IsReported_WithTheDockerfileSnippet()
    {
        var img = await GoodStateAsync();
        var ctx = ContextDir.Create(fixture, "FROM busybox\nRUN echo before-failure\nRUN exit 3\nRUN echo after-failure\n");
        var result = (await img.BuildAsync(ctx, "-t", "e2e/failed")).AssertFailure();
        Assert.Contains("process \"/bin/sh -c exit 3\" did not complete successfully: exit code: 3", result.Error);
        // BuildKit's layout: the ERROR line, the step's output between rules, the excerpt
        // (the empty line after the last newline counts), then buildx's message.
        Assert.Matches(
            "\n#(\\d+) ERROR: process \"/bin/sh -c exit 3\" did not complete successfully: exit code: 3\n" +
            "------\n > \\[3/4\\] RUN exit 3:\n------\n" +
            "Dockerfile:3\n--------------------\n" +
            "   1 \\|     FROM busybox\n   2 \\|     RUN echo before-failure\n   3 \\| >>> RUN exit 3\n" +
            "   4 \\|     RUN echo after-failure\n   5 \\|     \n--------------------\n" +
            "ERROR: failed to build: failed to solve: process \"/bin/sh -c exit 3\" did not complete successfully: exit code: 3\n$",
            result.Error);
        Assert.Contains("before-failure", result.Error);
        Assert.DoesNotContain("after-failure\n", result.Error.Replace("RUN echo after-failure\n", ""));
        await AssertStoreIntactAsync(img, "e2e/failed:latest");
    }

    [Fact]
    public async Task MissingCopySource_NamesThePath()
    {
        var img = await GoodStateAsync();
        var ctx = ContextDir.Create(fixture, "FROM busybox\nCOPY not-there.txt /x\n", ("present.txt", "p\n"));
        var result = (await img.BuildAsync(ctx, "-t", "e2e/missing")).AssertFailure();
        // as buildx: the COPY step fails, with the excerpt, and the solve error is printed once
        Assert.EndsWith(
            "------\n > [2/2] COPY not-there.txt /x:\n------\n" +
            "Dockerfile:2\n--------------------\n   1 |     FROM busybox\n   2 | >>> COPY not-there.txt /x\n   3 |     \n--------------------\n" +
            "ERROR: failed to build: failed to solve: failed to compute cache key: \"/not-there.txt\": not found\n",
            result.Error);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(result.Error, "ERROR: failed to build"));
        await AssertStoreIntactAsync(img, "e2e/missing:latest");
    }

    [Fact]
    public async Task UnknownInstruction_IsADockerfileError_AndNothingRuns()
    {
        var img = await GoodStateAsync();
        var ctx = ContextDir.Create(fixture, "FROM busybox\nRUNN echo x\nRUN echo never-ran\n");
        var result = (await img.BuildAsync(ctx, "-t", "e2e/syntax")).AssertFailure();
        // BuildKit's form: the excerpt, then the parse error with its line
        Assert.EndsWith(
            "Dockerfile:2\n--------------------\n   1 |     FROM busybox\n   2 | >>> RUNN echo x\n   3 |     RUN echo never-ran\n   4 |     \n--------------------\n" +
            "ERROR: failed to build: failed to solve: dockerfile parse error on line 2: unknown instruction: RUNN (did you mean RUN?)\n",
            result.Error);
        Assert.DoesNotContain("[1/", result.Error);
        await AssertStoreIntactAsync(img, "e2e/syntax:latest");
    }

    [Fact]
    public async Task UnknownBaseImage_NamesTheReference()
    {
        var img = await GoodStateAsync();
        var reference = $"127.0.0.1:{FreePort.Next()}/e2e/no-such-base:v9";
        var ctx = ContextDir.Create(fixture, $"FROM {reference}\nRUN echo never-ran\n");
        var result = (await img.BuildAsync(ctx, "-t", "e2e/nobase")).AssertFailure();
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"failed to resolve source metadata for {reference}", result.Error);
        Assert.DoesNotContain("   at ", result.Error); // a message, not a stack trace
        await AssertStoreIntactAsync(img, "e2e/nobase:latest");
    }

    [Fact]
    public async Task AddUrl_WithAWrongChecksum_Fails_NamingBothDigests()
    {
        var img = await GoodStateAsync();
        await using var http = new StaticHttpServer(new Dictionary<string, byte[]> { ["f.txt"] = "served\n"u8.ToArray() });
        var wrong = "sha256:" + new string('0', 64);
        var actual = "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("served\n"u8.ToArray()));
        var ctx = ContextDir.Create(fixture, $"FROM busybox\nADD --checksum={wrong} {http.Url("f.txt")} /f.txt\n");
        var result = (await img.BuildAsync(ctx, "-t", "e2e/checksum")).AssertFailure();
        Assert.Contains(wrong, result.Error);
        Assert.Contains(actual, result.Error);
        Assert.Contains("Dockerfile:2", result.Error);
        await AssertStoreIntactAsync(img, "e2e/checksum:latest");
    }

    [Fact]
    public async Task InvalidFlags_Exit125_NamingTheFlag()
    {
        var img = await GoodStateAsync();
        var ctx = ContextDir.Create(fixture, "FROM busybox\n");
        var tag = await img.BuildAsync(ctx, "-t", "Bad:Tag");
        Assert.Equal(125, tag.ExitCode);
        Assert.Contains("invalid argument \"Bad:Tag\" for \"-t, --tag\" flag", tag.Error);
        Assert.Contains("See 'img build --help'.", tag.Error);

        var backend = await img.BuildAsync(ctx, "--backend", "zfs");
        Assert.Equal(125, backend.ExitCode);
        Assert.Contains("\"--backend\"", backend.Error);
        await AssertStoreIntactAsync(img, "Bad:Tag");
    }

    /// <summary>A state with busybox and one built image, e2e/good.</summary>
    private async Task<ImgCli> GoodStateAsync()
    {
        var img = await fixture.NewStateAsync();
        var ctx = ContextDir.Create(fixture, "FROM busybox\nRUN echo good > /good.txt\n");
        (await img.BuildAsync(ctx, "-t", "e2e/good")).AssertSuccess();
        return img;
    }

    /// <summary>The earlier images are still listed and readable, the failed tag is not there, and a new build works.</summary>
    private async Task AssertStoreIntactAsync(ImgCli img, string failedTag)
    {
        var names = await img.ListAsync();
        Assert.Contains("e2e/good:latest", names);
        Assert.Contains("busybox:latest", names);
        Assert.DoesNotContain(failedTag, names);
        Assert.Equal("good\n", (await img.UnpackAsync("e2e/good")).Text("/good.txt"));
        var ctx = ContextDir.Create(fixture, "FROM busybox\nRUN echo next > /next.txt\n");
        (await img.BuildAsync(ctx, "-t", "e2e/next")).AssertSuccess();
        Assert.Equal("next\n", (await img.UnpackAsync("e2e/next")).Text("/next.txt"));
    }
}
