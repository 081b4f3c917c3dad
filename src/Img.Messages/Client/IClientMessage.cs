using MessagePack;

namespace Img.Messages.Client;

/// <summary>
/// Frames of the client protocol that are not build commands or events (those are the
/// <c>StartBuild</c>, <c>CancelBuild</c> and <c>IBuildEvent</c> records). Union tags are append-only.
/// </summary>
[Union(0, typeof(ClientHello))]
[Union(1, typeof(ClientWelcome))]
[Union(2, typeof(ClientRefused))]
[Union(3, typeof(ContextListRequest))]
[Union(4, typeof(ContextListing))]
[Union(5, typeof(ContextFilesRequest))]
[Union(6, typeof(ContextFileChunk))]
[Union(7, typeof(SecretRequest))]
[Union(8, typeof(SecretValue))]
[Union(9, typeof(ReadBlob))]
[Union(10, typeof(BlobChunk))]
[Union(11, typeof(PushImage))]
[Union(12, typeof(ImagePushed))]
[Union(13, typeof(EnrollMember))]
[Union(14, typeof(MemberEnrolled))]
[Union(15, typeof(ResolveImageConfig))]
[Union(16, typeof(ImageConfigResolved))]
[Union(17, typeof(PublishCache))]
[Union(18, typeof(CachePublished))]
[Union(19, typeof(SshAgentRequest))]
[Union(20, typeof(SshAgentReply))]
public interface IClientMessage : IImgMessage;
