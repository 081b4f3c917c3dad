namespace Img.Engine.BuildCache.Gc;

/// <summary>A config file img cannot use; the message starts with <c>FILE:LINE:</c>.</summary>
public sealed class GcConfigException(string message) : Exception(message);
