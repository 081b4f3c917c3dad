namespace Img.Engine.Images;

/// <summary>No image has the name or id the user gave. The message is docker's: <c>No such image: NAME</c>.</summary>
public sealed class ImageNotFoundException(string name) : Exception($"No such image: {name}")
{
    /// <summary>The name or id as the user should see it.</summary>
    public string Name { get; } = name;
}
