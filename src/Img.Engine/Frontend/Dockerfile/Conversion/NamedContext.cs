namespace Img.Engine.Frontend.Dockerfile.Conversion;

/// <summary>
/// A <c>--build-context NAME=VALUE</c> as the converter sees it (BuildKit's <c>context:NAME</c>
/// frontend option): what <c>FROM NAME</c>, <c>COPY --from=NAME</c> and <c>RUN --mount=from=NAME</c>
/// read instead of the stage or image of that name. The client has already checked the value and
/// made it servable (a directory registered as a local source, an OCI layout's blobs in the store).
/// </summary>
public abstract record NamedContext;
