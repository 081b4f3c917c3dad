using Img.Engine.Frontend.Dockerfile.Conversion;
using Img.Engine.Frontend.Dockerfile.Instructions;
using Img.Engine.Git;
using Img.Engine.Graph;
using Xunit;
using static Img.Engine.Tests.Frontend.Conversion.ConvertHelper;

namespace Img.Engine.Tests.Frontend.Conversion;

/// <summary>Git sources are pinned to the commit their ref names, so keys follow the commit (BuildKit keys git sources by commit).</summary>
public class GitPinningTests
{
    private static readonly string CommitA = new('a', 40);
    private static readonly string CommitB = new('b', 40);

    private sealed class FakeGit(Func<string, string> resolve) : IGitCommitResolver
    {
        public List<string> Asked { get; } = [];

        public ValueTask<string> ResolveAsync(string url, CancellationToken cancellationToken)
        {
            Asked.Add(url);
            return ValueTask.FromResult(resolve(url));
        }
    }

    private static ConversionResult Pinned(string dockerfile, string commit) =>
        Convert(dockerfile, new ConvertOptions { GitResolver = new FakeGit(_ => commit) });

    private const string Add = "FROM busybox\nADD https://host/repo.git#main:sub /src\nRUN ls /src\n";

    [Fact]
    public void The_source_carries_the_commit_and_the_keys_change_exactly_with_it()
    {
        var a = Pinned(Add, CommitA);
        Assert.Equal(CommitA, Ops<SourceOp>(a).Single(s => s.SourceKind == SourceKind.Git).Checksum);
        Assert.Equal("https://host/repo.git#main:sub", Ops<SourceOp>(a).Single(s => s.SourceKind == SourceKind.Git).Identifier);
        Assert.Equal(a.Graph.Target.Digest, Pinned(Add, CommitA).Graph.Target.Digest);
        var b = Pinned(Add, CommitB);
        Assert.NotEqual(Described(a, "RUN ls").Digest, Described(b, "RUN ls").Digest);
    }

    [Fact]
    public void Only_sources_the_target_needs_are_resolved_and_a_named_git_context_is_pinned_too()
    {
        var git = new FakeGit(_ => CommitA);
        var options = new ConvertOptions
        {
            GitResolver = git,
            Target = "final",
            NamedContexts = new Dictionary<string, NamedContext> { ["lib"] = new GitNamedContext("git@host:lib.git#v1") },
        };
        var r = Convert("FROM busybox AS unused\nADD https://host/unused.git /u\nFROM busybox AS final\nCOPY --from=lib /a /a\n", options);
        Assert.Equal(["git@host:lib.git#v1"], git.Asked);
        Assert.Equal(CommitA, Ops<SourceOp>(r).Single(s => s.SourceKind == SourceKind.Git).Checksum);
    }

    [Fact]
    public void A_checksum_must_prefix_the_commit_and_a_failed_lookup_fails_at_the_line()
    {
        var mismatch = Assert.Throws<DockerfileException>(() => Pinned("FROM busybox\nADD --checksum=bbbb https://host/repo.git /src\n", CommitA));
        Assert.Equal(2, mismatch.Line);
        Assert.Contains($"expected checksum to match bbbb, got {CommitA}", mismatch.Message);
        Assert.Equal(CommitA, Ops<SourceOp>(Pinned("FROM busybox\nADD --checksum=aaaa https://host/repo.git /src\n", CommitA)).Single(s => s.SourceKind == SourceKind.Git).Checksum);

        var missing = Assert.Throws<DockerfileException>(() => Convert("FROM busybox\nRUN true\nADD https://host/repo.git#nope /src\n",
            new ConvertOptions { GitResolver = new FakeGit(_ => throw new GitException("repository does not contain ref nope")) }));
        Assert.Equal(3, missing.Line);
        Assert.Contains("repository does not contain ref nope", missing.Message);
    }
}
