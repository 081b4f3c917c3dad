using Img.Messages.Builds;
using MessagePack;

namespace Img.Messages.Builds.Sessions;

/// <summary>What nodes ask a build's coordinator about the client's side of the build, and the answers. Union tags are append-only.</summary>
[Union(0, typeof(OpenContext))]
[Union(1, typeof(ContextOpened))]
[Union(2, typeof(ReadSecret))]
[Union(3, typeof(SecretRead))]
[Union(4, typeof(ExchangeSshAgent))]
[Union(5, typeof(SshAgentExchanged))]
public interface IBuildSessionMessage : IWithBuildId, IImgMessage;
