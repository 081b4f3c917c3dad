namespace Img.Engine.Graph;

/// <summary>Where a <see cref="SourceOp"/> reads from.</summary>
public enum SourceKind
{
    /// <summary>A container image (<c>docker-image://</c>).</summary>
    Image,
    /// <summary>A local directory sent by the client: the build context (<c>local://</c>).</summary>
    Local,
    /// <summary>A file downloaded over HTTP(S) (ADD of a URL).</summary>
    Http,
    /// <summary>A git repository (ADD of a git URL).</summary>
    Git,
}
