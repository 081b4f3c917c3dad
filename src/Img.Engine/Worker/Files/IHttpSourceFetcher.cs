using Img.Engine.Graph;

namespace Img.Engine.Worker.Files;

/// <summary>Downloads an HTTP source (ADD &lt;url&gt;) into a directory, as the file the op names.</summary>
public interface IHttpSourceFetcher
{
    Task FetchAsync(SourceOp http, string destinationDirectory, CancellationToken ct);
}
