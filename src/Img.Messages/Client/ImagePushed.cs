using MessagePack;

namespace Img.Messages.Client;

/// <summary>The answer to <c>PushImage</c>: "" when every reference was pushed, else the error.</summary>
[MessagePackObject]
public sealed record ImagePushed([property: Key(0)] long RequestId, [property: Key(1)] string Error) : IClientMessage;
