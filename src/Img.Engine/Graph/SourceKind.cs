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
    /// <summary>A git repository (ADD of a git URL, a git build context).</summary>
    Git,
    /// <summary>
    /// An image whose blobs the client put in the content store from an OCI layout directory
    /// (<c>--build-context NAME=oci-layout://PATH</c>); identifier <c>oci-layout://NAME@DIGEST</c>.
    /// </summary>
    OciLayout,
}
