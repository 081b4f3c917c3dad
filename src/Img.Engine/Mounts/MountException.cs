namespace Img.Engine.Mounts;

/// <summary>A mount or unmount failed; the message names the mount and the reason.</summary>
public sealed class MountException(string message, Exception? inner = null) : IOException(message, inner);
