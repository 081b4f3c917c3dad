using MessagePack;

namespace Img.Messages.Builds.Events;

/// <summary>Something the user should know that did not fail the build (an imported cache record that could not be used: the step ran instead).</summary>
[MessagePackObject]
public sealed record BuildWarning([property: Key(0)] BuildId BuildId, [property: Key(1)] string Message) : IBuildEvent;
