namespace Img.Engine.Execution;

/// <summary>The network a RUN step sees (Dockerfile <c>RUN --network</c>).</summary>
public enum NetworkMode
{
    /// <summary>The host's network namespace and DNS configuration.</summary>
    Host,

    /// <summary>A new network namespace with only the loopback interface.</summary>
    None,
}
