using MessagePack;

namespace Img.Messages.Builds.Queries;

/// <summary>Ask a build coordinator for counts; answered with <c>BuildStatusResult</c>.</summary>
[MessagePackObject]
public sealed record GetBuildStatus([property: Key(0)] BuildId BuildId) : IBuildQuery;
