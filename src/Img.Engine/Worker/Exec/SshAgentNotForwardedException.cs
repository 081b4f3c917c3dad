namespace Img.Engine.Worker.Exec;

/// <summary>A step mounts an ssh agent (<c>RUN --mount=type=ssh</c>, required) that the client did not forward with <c>--ssh</c>.</summary>
public sealed class SshAgentNotForwardedException(string id) : Exception($"no SSH key \"{id}\" forwarded from the client")
{
    public string Id { get; } = id;
}
