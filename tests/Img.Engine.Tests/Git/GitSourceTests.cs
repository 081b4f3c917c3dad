using Img.Engine.Git;
using Img.Engine.Tests.Fixtures;
using Xunit;

namespace Img.Engine.Tests.Git;

/// <summary>Git URLs, ref resolution and checkouts against a real <c>git daemon</c> on loopback.</summary>
public sealed class GitSourceTests : IAsyncLifetime
{
    private GitDaemon _git = null!;
    private readonly string _scratch = Path.Combine(Path.GetTempPath(), "img-git-test-" + Guid.NewGuid().ToString("N")[..8]);

    public async Task InitializeAsync()
    {
        _git = await GitDaemon.StartAsync();
        Directory.CreateDirectory(_scratch);
    }

    public async Task DisposeAsync()
    {
        await _git.DisposeAsync();
        Directory.Delete(_scratch, recursive: true);
    }

    [Theory]
    [InlineData("https://host/repo.git", "https://host/repo.git", "", "")]
    [InlineData("https://host/repo.git#v1", "https://host/repo.git", "v1", "")]
    [InlineData("https://host/repo.git#main:sub/dir", "https://host/repo.git", "main", "sub/dir")]
    [InlineData("git@host:org/repo.git#:docs", "git@host:org/repo.git", "", "docs")]
    public void Urls_split_into_remote_ref_and_subdir(string written, string remote, string reference, string subdir) =>
        Assert.Equal(new GitUrl(remote, reference, subdir), GitUrl.Parse(written));

    [Theory]
    [InlineData("git@github.com:org/repo.git", true)]
    [InlineData("git://host/repo", true)]
    [InlineData("ssh://git@host/repo", true)]
    [InlineData("https://host/repo.git#main", true)]
    [InlineData("https://host/file.tar.gz", false)]
    [InlineData("./local", false)]
    public void Git_urls_are_recognised_as_buildkit_does(string source, bool git) =>
        Assert.Equal(git, GitUrl.IsGit(source));

    [Fact]
    public async Task Refs_resolve_to_commits_branches_tags_and_head()
    {
        var first = await _git.CommitAsync("repo", "main", ("a.txt", "1\n"));
        await _git.TagAsync("repo", "v1", first);
        var second = await _git.CommitAsync("repo", "main", ("a.txt", "2\n"));

        Assert.Equal(second, await GitRefResolver.ResolveAsync(GitUrl.Parse(_git.Url("repo")), default));
        Assert.Equal(second, await GitRefResolver.ResolveAsync(GitUrl.Parse(_git.Url("repo") + "#main"), default));
        Assert.Equal(first, await GitRefResolver.ResolveAsync(GitUrl.Parse(_git.Url("repo") + "#v1"), default));
        Assert.Equal(first, await GitRefResolver.ResolveAsync(GitUrl.Parse(_git.Url("repo") + "#" + first), default));

        var missing = await Assert.ThrowsAsync<GitException>(() => GitRefResolver.ResolveAsync(GitUrl.Parse(_git.Url("repo") + "#nope"), default));
        Assert.StartsWith("repository does not contain ref nope", missing.Message);
    }

    [Fact]
    public async Task A_checkout_writes_the_commit_or_its_subdir_without_git_unless_kept()
    {
        var commit = await _git.CommitAsync("tree", "main", ("top.txt", "top\n"), ("sub/inner.txt", "inner\n"));

        var whole = Path.Combine(_scratch, "whole");
        Assert.Equal(commit, await GitCheckout.CheckoutAsync(GitUrl.Parse(_git.Url("tree")), commit, false, whole, _scratch, default));
        Assert.Equal("top\n", await File.ReadAllTextAsync(Path.Combine(whole, "top.txt")));
        Assert.False(Directory.Exists(Path.Combine(whole, ".git")));

        var sub = Path.Combine(_scratch, "sub");
        await GitCheckout.CheckoutAsync(GitUrl.Parse(_git.Url("tree") + "#main:sub"), commit, false, sub, _scratch, default);
        Assert.Equal(["inner.txt"], Directory.GetFileSystemEntries(sub).Select(Path.GetFileName));

        var kept = Path.Combine(_scratch, "kept");
        await GitCheckout.CheckoutAsync(GitUrl.Parse(_git.Url("tree") + "#main"), commit, true, kept, _scratch, default);
        Assert.True(Directory.Exists(Path.Combine(kept, ".git")));
        Assert.Equal(commit, (await GitCommand.RunAsync(["rev-parse", "HEAD"], kept, default)).Trim());
    }

    [Fact]
    public async Task A_ref_that_moved_since_it_was_resolved_still_gives_the_keyed_commit()
    {
        var old = await _git.CommitAsync("moving", "main", ("a.txt", "1\n"));
        await _git.CommitAsync("moving", "main", ("a.txt", "2\n"));
        var dest = Path.Combine(_scratch, "m");
        Assert.Equal(old, await GitCheckout.CheckoutAsync(GitUrl.Parse(_git.Url("moving") + "#main"), old, false, dest, _scratch, default));
        Assert.Equal("1\n", await File.ReadAllTextAsync(Path.Combine(dest, "a.txt")));

        var unknown = new string('0', 40);
        var e = await Assert.ThrowsAsync<GitException>(() => GitCheckout.CheckoutAsync(GitUrl.Parse(_git.Url("moving") + "#main"), unknown, false, Path.Combine(_scratch, "n"), _scratch, default));
        Assert.Equal($"fetched ref main does not match expected commit {unknown} and commit can not be found in the repository", e.Message);
    }
}
