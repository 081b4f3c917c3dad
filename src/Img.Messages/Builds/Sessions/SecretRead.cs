using Img.Messages.Builds;
using MessagePack;

namespace Img.Messages.Builds.Sessions;

/// <summary>The answer to <c>ReadSecret</c>: the value (null when the client has no such secret, then <see cref="Error"/> says so).</summary>
[MessagePackObject]
public sealed record SecretRead([property: Key(0)] BuildId BuildId, [property: Key(1)] byte[]? Value, [property: Key(2)] string Error) : IBuildSessionMessage;
