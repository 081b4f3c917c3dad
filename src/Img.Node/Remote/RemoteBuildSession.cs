using Akka.Actor;
using Img.Engine.Content;
using Img.Engine.Context.Remote;
using Img.Engine.Oci;
using Img.Engine.Solver;
using Img.Engine.Transfer;
using Img.Engine.Worker.Sources;
using Img.Messages.Builds;
using Img.Messages.Builds.Sessions;

namespace Img.Node.Remote;

/// <summary>
/// A build's session as a cluster node sees it: the client's files and secrets come through the
/// build's coordinator. A context is asked for with the selections of the step
/// (<see cref="OpenContext"/>: the coordinator gets a listing and the files it lacks from the
/// client), then its files this node lacks are fetched from the coordinator's blob server, and a
/// copy of just those entries is made for the step and deleted after it. A secret is asked for
/// when a step mounts it and kept in memory only. An ssh agent is reached message by message
/// (<see cref="RemoteSshAgentRelay"/>).
/// </summary>
public sealed class RemoteBuildSession(ActorSystem system, BuildSession session, IContentStore content, Func<IReadOnlyList<Uri>, IBlobSource> sources, string scratch) : IBuildSession
{
    // the client uploads what the coordinator lacks before the coordinator answers: a big context takes a while
    private static readonly TimeSpan ContextTimeout = TimeSpan.FromMinutes(30);
    private static readonly TimeSpan SecretTimeout = TimeSpan.FromMinutes(2);

    public async ValueTask<LocalContextView> OpenContextAsync(string name, IReadOnlyList<ContentSelection> selections, CancellationToken cancellationToken)
    {
        var opened = await system.ActorSelection(session.Coordinator)
            .Ask<ContextOpened>(new OpenContext(session.Build, SnapshotReferenceName(name), [.. selections.Select(SelectionSpec.From)]), ContextTimeout, cancellationToken)
            .ConfigureAwait(false);
        if (opened.Listing is not { } listingBlob)
            throw new LocalSourceNotFoundException(name + " (" + opened.Error + ")");
        var source = sources([new Uri(session.BlobEndpoint)]);
        if (!await content.ExistsAsync(Digest.Parse(listingBlob.Digest), cancellationToken).ConfigureAwait(false))
            await source.FetchAsync(listingBlob, content, cancellationToken).ConfigureAwait(false);
        var listing = ContextListingDocument.Parse(await content.ReadAllBytesAsync(listingBlob, cancellationToken).ConfigureAwait(false));
        var directory = Path.Join(scratch, "context-" + Guid.NewGuid().ToString("N"));
        try
        {
            await ContextMaterializer.MaterializeAsync(listing, content, async (missing, ct) =>
            {
                await Parallel.ForEachAsync(missing, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct },
                    async (blob, c) => await source.FetchAsync(blob, content, c).ConfigureAwait(false)).ConfigureAwait(false);
            }, directory, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Delete(directory);
            throw;
        }
        return new LocalContextView(directory, null, () =>
        {
            Delete(directory);
            return ValueTask.CompletedTask;
        });
    }

    public async ValueTask<byte[]?> ReadSecretAsync(string id, CancellationToken cancellationToken)
    {
        var read = await system.ActorSelection(session.Coordinator)
            .Ask<SecretRead>(new ReadSecret(session.Build, id), SecretTimeout, cancellationToken).ConfigureAwait(false);
        return read.Value;
    }

    public ValueTask<ISshAgentRelay?> SshAgentRelayAsync(string id, CancellationToken cancellationToken) =>
        ValueTask.FromResult<ISshAgentRelay?>(session.SshAgents is { } agents && agents.Contains(id) ? new RemoteSshAgentRelay(system, session, id) : null);

    // a step names the context by its source name; the client knows it as the op's identifier
    private static string SnapshotReferenceName(string name) => name.StartsWith("local:", StringComparison.Ordinal) ? name : "local:" + name;

    private static void Delete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
                Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // the state's tmp directory is cleaned at the next start
        }
    }
}
