namespace Img.Engine.Frontend.Dockerfile.Instructions;

/// <summary>One name of an ARG instruction; <see cref="Value"/> is null when no default was given.</summary>
public sealed record ArgDefinition(string Key, string? Value)
{
    public override string ToString() => Key + "=" + (Value ?? "");
}
