using Img.E2E.Tests.Cluster.Infrastructure;
using Img.E2E.Tests.Infrastructure;

namespace Img.E2E.Tests.Cluster;

/// <summary>Two coordinators sharing one PostgreSQL cache: what one built, the other finds.</summary>
[Collection(E2ECollection.Name)]
public sealed class SharedCacheTests(ImgFixture fixture, BaseImageRegistry registry, PostgresFixture postgres)
    : IClassFixture<BaseImageRegistry>, IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task A_build_through_one_coordinator_is_fully_cached_through_the_other()
    {
        var busybox = await registry.BusyboxAsync(fixture);
        var database = await postgres.CreateDatabaseAsync("shared");
        await using var cluster = await ClusterProcesses.StartAsync(fixture, new ClusterOptions { Nodes = 2, SecondCoordinator = true, Database = database });
        var ctx = ContextDir.Create(fixture, $"""
            FROM {busybox} AS gen
            RUN echo generated > /gen.txt

            FROM {busybox}
            COPY source.txt /source.txt
            COPY --from=gen /gen.txt /gen.txt
            RUN cat /source.txt /gen.txt > /out.txt
            """, ("source.txt", "source\n"));
        var (c1, c2) = (ClusterProcesses.ClientAddress(cluster.Coordinators[0]), ClusterProcesses.ClientAddress(cluster.Coordinators[1]));

        var first = cluster.Succeeded(await cluster.RunBuildAsync(cluster.Client, c1, ctx, ClusterProcesses.BuildTimeout, "-t", "e2e/shared"));
        Assert.All(ProgressLog.DockerfileSteps(first.Error), s => Assert.Equal("DONE", s.Value));
        var second = cluster.Succeeded(await cluster.RunBuildAsync(cluster.Client, c2, ctx, ClusterProcesses.BuildTimeout, "-t", "e2e/shared-again"));

        Assert.All(ProgressLog.DockerfileSteps(second.Error), s => Assert.Equal("CACHED", s.Value));
        Assert.Equal(await cluster.Client.IdAsync("e2e/shared"), await cluster.Client.IdAsync("e2e/shared-again"));
        Assert.Equal("c2", (await cluster.StatusAsync(c2)).Coordinator);
        // the records are in the shared database, not in either coordinator's state directory
        Assert.False(File.Exists(Path.Combine(cluster.Coordinators[0].State, "cache", "cache.db")), "c1 wrote a SQLite journal despite --db");
        Assert.NotEqual("0", await postgres.QueryAsync(database, "SELECT COUNT(*) FROM journal"));
    }
}
