using System.Collections.Concurrent;
using Img.Engine.Context;
using Img.Engine.Context.Remote;
using Img.Messages.Client;

namespace Img.Cli.Commands.Build.Backends;

/// <summary>
/// The client's side of a build that runs on a cluster (BuildKit's session): answers the
/// coordinator's questions about what only this process has. A listing of some selections of a
/// context (<see cref="ContextListRequest"/>), the bytes of the files the coordinator lacks
/// (<see cref="ContextFilesRequest"/>, by content digest, in 1 MiB chunks, one file after the
/// other), secrets (<see cref="SecretRequest"/>, read from <c>--secret</c> files when a step
/// needs them) and ssh agent messages (<see cref="SshAgentRequest"/>, <see cref="ClusterSshAgents"/>).
/// Nothing is sent that was not asked for.
/// </summary>
internal sealed class ClusterSession(Func<ClusterConnection> connection, IReadOnlyDictionary<string, BuildContext> contexts, IReadOnlyDictionary<string, string> secretFiles,
    ClusterSshAgents sshAgents)
{
    // digest -> a file of that content in one of the contexts, from the listings sent
    private readonly ConcurrentDictionary<string, string> _files = new(StringComparer.Ordinal);

    public async Task AnswerAsync(Messages.IImgMessage question, CancellationToken cancellationToken)
    {
        switch (question)
        {
            case ContextListRequest list:
                connection().Send(await ListAsync(list, cancellationToken));
                break;
            case ContextFilesRequest files:
                await SendFilesAsync(files, cancellationToken);
                break;
            case SecretRequest secret:
                connection().Send(await ReadSecretAsync(secret, cancellationToken));
                break;
            case SshAgentRequest ssh:
                connection().Send(await sshAgents.AnswerAsync(ssh, cancellationToken));
                break;
        }
    }

    private async Task<ContextListing> ListAsync(ContextListRequest request, CancellationToken cancellationToken)
    {
        var name = request.Source.StartsWith("local:", StringComparison.Ordinal) ? request.Source["local:".Length..] : request.Source;
        if (!contexts.TryGetValue(name, out var context))
            return new ContextListing(request.RequestId, [], $"this client has no context named {name}");
        try
        {
            var document = await ContextListingBuilder.BuildAsync(context, [.. request.Selections.Select(s => s.ToSelection())], cancellationToken);
            foreach (var entry in document.Entries.Where(e => e.Digest is not null))
                _files.TryAdd(entry.Digest!, Path.Join(context.Root, entry.Path));
            return new ContextListing(request.RequestId, document.ToBytes(), "");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or BuildContextException)
        {
            return new ContextListing(request.RequestId, [], e.Message);
        }
    }

    private async Task SendFilesAsync(ContextFilesRequest request, CancellationToken cancellationToken)
    {
        var buffer = new byte[ClientProtocol.ChunkBytes];
        foreach (var digest in request.Digests)
        {
            if (!_files.TryGetValue(digest, out var path))
            {
                connection().Send(new ContextFileChunk(request.RequestId, digest, [], true, "no file of this content was listed"));
                continue;
            }
            try
            {
                await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
                while (true)
                {
                    var filled = 0;
                    int n;
                    while (filled < buffer.Length && (n = await file.ReadAsync(buffer.AsMemory(filled), cancellationToken)) > 0)
                        filled += n;
                    var last = filled < buffer.Length;
                    connection().Send(new ContextFileChunk(request.RequestId, digest, buffer[..filled], last, ""));
                    if (last)
                        break;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                connection().Send(new ContextFileChunk(request.RequestId, digest, [], true, e.Message));
            }
        }
    }

    private async Task<SecretValue> ReadSecretAsync(SecretRequest request, CancellationToken cancellationToken)
    {
        if (!secretFiles.TryGetValue(request.Id, out var file) || !File.Exists(file))
            return new SecretValue(request.RequestId, null, $"secret {request.Id} not found");
        return new SecretValue(request.RequestId, await File.ReadAllBytesAsync(file, cancellationToken), "");
    }
}
