namespace Img.Engine.Frontend.Dockerfile.Conversion;

/// <summary>An image (<c>NAME=docker-image://REF</c>), resolved and pinned like a <c>FROM REF</c>; <c>scratch</c> is empty.</summary>
/// <param name="Reference">REF as written (progress shows it so).</param>
public sealed record ImageNamedContext(string Reference) : NamedContext;
