namespace Img.Engine.Solver;

/// <summary>
/// The client's ssh agent reached one message at a time, for a session that has no socket of it
/// on this host (a cluster node's: the messages go through the build's coordinator to the client).
/// The agent protocol is request/answer, so each request frame gets exactly one answer frame.
/// </summary>
public interface ISshAgentRelay
{
    /// <summary>
    /// Sends one request frame (4-byte big-endian length, then the message) on the client's agent
    /// connection <paramref name="connection"/> (one per connection the step opened) and returns the
    /// answer frame.
    /// </summary>
    /// <exception cref="IOException">The client or its agent could not answer.</exception>
    Task<byte[]> ExchangeAsync(string connection, byte[] request, CancellationToken cancellationToken);

    /// <summary>The step closed <paramref name="connection"/>: the client closes its agent connection.</summary>
    Task CloseAsync(string connection, CancellationToken cancellationToken);
}
