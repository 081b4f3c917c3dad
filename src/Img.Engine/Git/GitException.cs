namespace Img.Engine.Git;

/// <summary>A git operation failed: the remote is unreachable, the ref is unknown, or <c>git</c> is missing.</summary>
public sealed class GitException(string message, Exception? inner = null) : Exception(message, inner);
