namespace Img.Messages.Hosting;

/// <summary>How the actor system runs.</summary>
public enum ImgMode
{
    /// <summary>Everything in one process (local provider, cache on SQLite): <c>img build</c>.</summary>
    Standalone,
    /// <summary>A member of an Akka.Cluster (<c>img coordinator</c>, <c>img node</c>).</summary>
    Cluster,
}
