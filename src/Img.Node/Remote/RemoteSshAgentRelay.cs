using Akka.Actor;
using Img.Engine.Solver;
using Img.Messages.Builds;
using Img.Messages.Builds.Sessions;

namespace Img.Node.Remote;

/// <summary>
/// The client's ssh agent <paramref name="id"/> as a cluster node reaches it: each request frame
/// goes to the build's coordinator, which relays it to the client's connection; the client answers
/// from its agent. Secrets and keys never leave the client: only the agent's answers (signatures,
/// public keys) travel.
/// </summary>
internal sealed class RemoteSshAgentRelay(ActorSystem system, BuildSession session, string id) : ISshAgentRelay
{
    // a signature needs the client's agent, which may ask its user (ssh-add -c)
    private static readonly TimeSpan ExchangeTimeout = TimeSpan.FromMinutes(2);

    public async Task<byte[]> ExchangeAsync(string connection, byte[] request, CancellationToken cancellationToken)
    {
        var answer = await AskAsync(connection, request, cancellationToken).ConfigureAwait(false);
        return answer.Reply ?? throw new IOException($"the client's ssh agent \"{id}\": {answer.Error}");
    }

    public async Task CloseAsync(string connection, CancellationToken cancellationToken) =>
        await AskAsync(connection, null, cancellationToken).ConfigureAwait(false);

    private async Task<SshAgentExchanged> AskAsync(string connection, byte[]? request, CancellationToken cancellationToken)
    {
        try
        {
            return await system.ActorSelection(session.Coordinator)
                .Ask<SshAgentExchanged>(new ExchangeSshAgent(session.Build, id, connection, request), ExchangeTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (AskTimeoutException e)
        {
            throw new IOException($"the client's ssh agent \"{id}\" did not answer within {ExchangeTimeout.TotalMinutes:0} minutes", e);
        }
    }
}
