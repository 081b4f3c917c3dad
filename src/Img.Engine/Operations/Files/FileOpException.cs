namespace Img.Engine.Operations.Files;

/// <summary>
/// A file action failed; the message is the user-facing one, worded like BuildKit's
/// (<c>lstat /nope: no such file or directory</c>), with paths as seen inside the root.
/// </summary>
public sealed class FileOpException(string message, Exception? inner = null) : Exception(message, inner);
