using MessagePack;

namespace Img.Messages.Scheduling.Queries;

/// <summary>One Akka cluster member as the answering coordinator sees it.</summary>
[MessagePackObject]
public sealed record MemberStatus([property: Key(0)] string Address, [property: Key(1)] IReadOnlyList<string> Roles, [property: Key(2)] string State, [property: Key(3)] bool Reachable);
