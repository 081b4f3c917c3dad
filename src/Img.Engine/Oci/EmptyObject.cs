namespace Img.Engine.Oci;

/// <summary>The <c>{}</c> value of set-like JSON maps (ExposedPorts, Volumes).</summary>
public sealed record EmptyObject
{
    public static readonly EmptyObject Instance = new();
}
