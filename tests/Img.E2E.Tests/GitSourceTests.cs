using Img.E2E.Tests.Infrastructure;
using Img.Engine.Tests.Fixtures;

namespace Img.E2E.Tests;

/// <summary>Git sources (ADD, build context, named context) from a real <c>git daemon</c> on loopback, keyed by commit.</summary>
[Collection(E2ECollection.Name)]
public sealed class GitSourceTests(ImgFixture fixture) : IAsyncLifetime
{
    private GitDaemon _git = null!;

    public async Task InitializeAsync() => _git = await GitDaemon.StartAsync();

    public async Task DisposeAsync() => await _git.DisposeAsync();

    [Fact]
    public async Task Add_of_a_git_url_checks_out_the_commit_and_reruns_only_when_the_commit_changes()
    {
        var img = await fixture.NewStateAsync();
        await _git.CommitAsync("lib", "main", ("sub/inner.txt", "v1\n"), ("top.txt", "top\n"));
        var url = _git.Url("lib");
        var ctx = ContextDir.Create(fixture, $"""
            FROM busybox
            ADD {url}#main:sub /src
            ADD --keep-git-dir=true {url}#main /full
            RUN ls -a /src > /src.txt && ls -a /full > /full.txt
            """);
        var first = (await img.BuildAsync(ctx, "-t", "e2e/git-add")).AssertSuccess();
        var fs = await img.UnpackAsync("e2e/git-add");
        Assert.Equal("v1\n", fs.Text("/src/inner.txt"));
        Assert.DoesNotContain("top.txt", fs.Text("/src.txt"));
        Assert.Contains(".git", fs.Text("/full.txt").Split('\n'));
        Assert.True(fs.Has("/full/.git/HEAD"));
        Assert.False(fs.Has("/src/.git"));

        var again = (await img.BuildAsync(ctx, "-t", "e2e/git-add")).AssertSuccess();
        Assert.All(ProgressLog.DockerfileSteps(again.Error).Values, v => Assert.Equal("CACHED", v));

        await _git.CommitAsync("lib", "main", ("sub/inner.txt", "v2\n"));
        var moved = (await img.BuildAsync(ctx, "-t", "e2e/git-add")).AssertSuccess();
        Assert.Equal("DONE", ProgressLog.DockerfileSteps(moved.Error).Single(s => s.Key.Contains("ADD " + url + "#main:sub", StringComparison.Ordinal)).Value);
        Assert.Equal("v2\n", (await img.UnpackAsync("e2e/git-add")).Text("/src/inner.txt"));
    }

    [Fact]
    public async Task A_git_url_is_a_build_context_and_a_named_context()
    {
        var img = await fixture.NewStateAsync();
        await _git.CommitAsync("app", "main", ("app/Dockerfile", "FROM busybox\nCOPY hello.txt /hello.txt\nCOPY --from=lib /lib.txt /lib.txt\n"), ("app/hello.txt", "hello from git\n"), ("other.txt", "x"));
        var lib = await _git.CommitAsync("libctx", "main", ("lib.txt", "lib 1\n"));
        await _git.TagAsync("libctx", "v1", lib);
        await _git.CommitAsync("libctx", "main", ("lib.txt", "lib 2\n"));

        (await img.RunAsync(["build", "--progress=plain", "-t", "e2e/git-context", "--build-context", $"lib={_git.Url("libctx")}#v1", _git.Url("app") + "#main:app"])).AssertSuccess();
        var fs = await img.UnpackAsync("e2e/git-context");
        Assert.Equal("hello from git\n", fs.Text("/hello.txt"));
        Assert.Equal("lib 1\n", fs.Text("/lib.txt"));
    }

    [Fact]
    public async Task An_unknown_ref_fails_at_the_add_line_with_buildkits_message()
    {
        var img = await fixture.NewStateAsync();
        await _git.CommitAsync("refs", "main", ("a.txt", "a"));
        var ctx = ContextDir.Create(fixture, $"""
            FROM busybox
            ADD {_git.Url("refs")}#nope /src
            """);
        var failed = (await img.BuildAsync(ctx, "-t", "e2e/git-missing")).AssertFailure();
        Assert.Contains($">>> ADD {_git.Url("refs")}#nope /src", failed.Error);
        Assert.Contains("ERROR: failed to build: failed to solve: repository does not contain ref nope", failed.Error);
    }
}
