namespace Img.Engine.Worker.Exec;

/// <summary>A RUN mounts a required secret that the build was not given (<c>--secret id=ID,src=FILE</c>).</summary>
public sealed class SecretNotFoundException(string id) : Exception($"secret {id}: not found")
{
    public string Id { get; } = id;
}
