namespace Img.Engine.Exporters;

/// <summary>An archive <c>img load</c> cannot use: not a tar, truncated, missing or inconsistent files, wrong digests. Nothing was named.</summary>
public sealed class ArchiveFormatException(string message, Exception? inner = null) : Exception(message, inner);
