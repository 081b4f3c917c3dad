using Img.Engine.Frontend.Dockerfile.Conversion;
using Img.Engine.Graph;
using Img.Engine.Solver;
using Img.Engine.Tests.Frontend.Conversion;
using Xunit;

namespace Img.Engine.Tests.Solver;

/// <summary>
/// Known op digests and cache keys, written down. Every user's build cache is keyed by these
/// bytes: a change that moves them (a field added to an op's canonical encoding, a different
/// order, another hash) makes every cached step miss once. When that is intended, update the
/// values here in the same commit and say so in its message; when it is not, this test caught it.
/// The graph is converted for linux/amd64 on every host, so the values do not depend on where the
/// tests run.
/// </summary>
public sealed class PinnedDigestTests
{
    private const string Dockerfile = """
        FROM busybox AS base
        ENV GREETING=hello
        WORKDIR /app
        COPY src /app/src
        RUN --mount=type=cache,target=/cache echo "$GREETING" > /app/out
        FROM scratch
        COPY --from=base /app/out /out
        CMD ["/out"]
        """;

    private static ConversionResult Convert() =>
        ConvertHelper.Convert(Dockerfile, resolver: ConvertHelper.DefaultResolver()
            .WithDigest("docker.io/library/busybox:latest", "sha256:" + new string('b', 64)));

    private static string DigestOf(ConversionResult r, string description) =>
        ConvertHelper.Described(r, description).Digest.Value;

    [Theory]
    [InlineData("[base 1/4] FROM", "sha256:346354ff384098c3b52aea547f141e123eda07b7bb987e655298ba547e568403")]
    [InlineData("[base 3/4] COPY src", "sha256:d469b340d1074429b4173a88d9831e419bf97b0859f74507277598822b4a451e")]
    [InlineData("[base 4/4] RUN", "sha256:a913afad71dfa7051e67d2d59d6cde088db20080849f499ab3163f6dbbe4d45d")]
    [InlineData("[stage-1 1/1] COPY --from=base", "sha256:fe0f60ff907a828e9da30b1c6d4d2d2d790ce943dcad7b7390b9208f8e6f4ff4")]
    public void Op_digests_are_pinned(string description, string digest) =>
        Assert.Equal(digest, DigestOf(Convert(), description));

    [Fact]
    public void The_export_vertex_digest_is_pinned() =>
        Assert.Equal("sha256:0f12c0dc67b4381fc1323a4540e270b2c80c9da77ab044f8ab514012fa7a2165", Convert().Graph.Target.Digest.Value);

    [Fact]
    public async Task Cache_keys_are_pinned()
    {
        var r = Convert();
        var context = new FakeChecksumProvider { Files = { ["src/main.c"] = "int main;", ["README"] = "not selected" } };
        var keys = await CacheKeyCalculator.ComputeAsync(r.Graph, context, CancellationToken.None);
        Assert.Equal("sha256:618193c8b755830aaa0475654f99a708784b36a233f3c8b7832f4cb1bb22aaf3", keys[ConvertHelper.Described(r, "[base 3/4] COPY src").Digest].Value);
        Assert.Equal("sha256:f71f48b005a5646c579c755d85984c7e9b8a7d2e14aade444cf8b5745f368bed", keys[ConvertHelper.Described(r, "[base 4/4] RUN").Digest].Value);
        Assert.Equal("sha256:891d7aa918c08437e67cef92e7814a63ac0b57895466de74877f393676645618", keys[r.Graph.Target.Digest].Value);
    }
}
