namespace Img.Engine.Exporters;

/// <summary>The tar layouts <c>img save</c> writes.</summary>
public enum ArchiveFormat
{
    /// <summary>
    /// What docker 25+ writes: an OCI image layout plus docker's <c>manifest.json</c> and
    /// <c>repositories</c>, so <c>docker load</c> (old and new), <c>podman load</c> and
    /// <c>skopeo docker-archive:</c> all read it.
    /// </summary>
    Docker,

    /// <summary>An OCI image layout only (<c>oci-layout</c>, <c>index.json</c>, <c>blobs/</c>).</summary>
    Oci,
}
