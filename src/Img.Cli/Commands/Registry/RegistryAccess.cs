using System.Net.Http;
using Img.Cli.CommandLine;
using Img.Engine.References;
using Img.Engine.Registry;
using Img.Engine.Registry.Credentials;

namespace Img.Cli.Commands.Registry;

/// <summary>
/// What the registry commands share: the <c>--insecure-registry</c> flag, registry clients that
/// read logins from the context's <c>config.json</c>, reference parsing with docker's wording, and
/// the mapping of registry failures to <see cref="UserFacingException"/>.
/// </summary>
internal static class RegistryAccess
{
    public static readonly FlagSpec InsecureRegistry = new("insecure-registry", null, true,
        "Do not verify this registry's TLS certificate, and use plain HTTP if it does not speak TLS (host, host:port or CIDR); loopback registries without a certs.d directory are always plain HTTP",
        Repeatable: true, ValueName: "host");

    /// <summary>Accepted and ignored, like docker without content trust configured.</summary>
    public static readonly FlagSpec DisableContentTrust = new("disable-content-trust", null, false,
        "Skip image verification (always: img has no content trust)");

    public static DockerConfigCredentialStore Credentials(CommandContext context) => new(context.DockerConfigPath);

    public static RegistryClients Clients(CommandContext context, ParsedArgs args) => new(new RegistryClientOptions
    {
        InsecureRegistries = args.Values(InsecureRegistry.Name),
        Credentials = Credentials(context),
    });

    /// <summary>Parses a reference as docker does, without adding a tag.</summary>
    /// <exception cref="UserFacingException">With the parser's reason.</exception>
    public static ImageReference ParseReference(string text)
    {
        try
        {
            return ImageReference.ParseNormalized(text);
        }
        catch (InvalidReferenceException e)
        {
            throw new UserFacingException($"{e.Message}: \"{text}\"", 1, e);
        }
    }

    /// <summary>The user-facing form of a failure while talking to a registry or a credential store, or null.</summary>
    public static UserFacingException? ToUserFacing(Exception e) => e switch
    {
        RegistryException or HttpRequestException or TimeoutException => new UserFacingException(e.Message, 1, e),
        // Credential helper failures and the pusher's "not in the local store" cases.
        InvalidOperationException => new UserFacingException(e.Message, 1, e),
        InvalidDataException => new UserFacingException(e.Message, 1, e), // a config.json that is not JSON
        IOException or UnauthorizedAccessException => new UserFacingException(e.Message, 1, e),
        _ => null,
    };
}
