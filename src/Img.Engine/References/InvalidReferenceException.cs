namespace Img.Engine.References;

/// <summary>
/// An image reference that docker would refuse. <see cref="Exception.Message"/> uses docker's
/// wording (<c>invalid reference format</c>, <c>invalid reference format: repository name
/// (library/Busybox) must be lowercase</c>, ...) so scripts matching docker's errors keep working.
/// </summary>
public sealed class InvalidReferenceException : FormatException
{
    public InvalidReferenceException(string reference, string message)
        : base(message)
    {
        Reference = reference;
    }

    /// <summary>The text that failed to parse.</summary>
    public string Reference { get; }
}
