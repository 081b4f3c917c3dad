using Img.Engine.Content;

namespace Img.Engine.Operations.Files;

/// <summary>What <see cref="HttpSourceFetcher"/> saved.</summary>
/// <param name="Path">The file, inside the directory given.</param>
/// <param name="Name">Its name (the copy action's source path is <c>/</c> + this).</param>
/// <param name="Digest">sha256 of the content.</param>
/// <param name="LastModified">The response's Last-Modified, when it had a valid one (the file's mtime; otherwise the Unix epoch).</param>
public sealed record FetchedHttpFile(string Path, string Name, Digest Digest, DateTimeOffset? LastModified);
