namespace Img.Messages.Builds;

/// <summary>Messages about one build, routed by its id.</summary>
public interface IWithBuildId
{
    BuildId BuildId { get; }
}
