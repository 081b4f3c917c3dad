using Img.Messages.Builds;
using MessagePack;

namespace Img.Messages.Builds.Sessions;

/// <summary>The answer to <see cref="ExchangeSshAgent"/>: the agent's answer frame, or null and <see cref="Error"/>.</summary>
[MessagePackObject]
public sealed record SshAgentExchanged([property: Key(0)] BuildId BuildId, [property: Key(1)] byte[]? Reply, [property: Key(2)] string Error) : IBuildSessionMessage;
