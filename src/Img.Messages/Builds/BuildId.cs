using MessagePack;

namespace Img.Messages.Builds;

/// <summary>The identity of one build request (a random, URL-safe string chosen by the requester).</summary>
[MessagePackObject]
public readonly record struct BuildId([property: Key(0)] string Value)
{
    public static BuildId New() => new(Guid.NewGuid().ToString("N"));

    public override string ToString() => Value;
}
