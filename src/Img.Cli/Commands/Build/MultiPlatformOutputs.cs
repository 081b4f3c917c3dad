namespace Img.Cli.Commands.Build;

/// <summary>
/// What a build of several platforms can deliver, checked before anything runs (buildx refuses a
/// docker archive of several platforms while it sets up the exporters, with these words).
/// </summary>
internal static class MultiPlatformOutputs
{
    /// <summary>buildx's message for <c>-o type=docker,dest=...</c> with several platforms.</summary>
    public const string DockerArchiveRefused = "docker exporter does not support exporting manifest lists, use the oci exporter instead";

    /// <exception cref="UserFacingException">An output or option that cannot take an index.</exception>
    public static void Validate(IReadOnlyList<OutputSpec> outputs, bool cluster)
    {
        if (outputs.Any(o => o.Type == OutputType.Docker))
            throw new UserFacingException(DockerArchiveRefused);
        if (cluster)
            throw new UserFacingException("a build of several platforms is not supported yet with --cluster");
    }
}
