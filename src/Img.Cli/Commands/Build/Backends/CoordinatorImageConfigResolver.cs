using System.Text.Json;
using Img.Engine.Frontend.Dockerfile.Conversion;
using Img.Engine.Oci;
using Img.Engine.Platforms;
using Img.Engine.Registry.Credentials;
using Img.Engine.Worker.Sources;
using Img.Messages.Client;

namespace Img.Cli.Commands.Build.Backends;

/// <summary>
/// Base image configs for a cluster build: an image this client has in its local store is read
/// there (as in one process), any other is asked of the coordinator (<see cref="ResolveImageConfig"/>:
/// its registry clients are warm and it remembers recent answers), with this client's login for
/// that registry. Nothing is pulled into the client's store. With <c>--pull</c>
/// (<paramref name="pull"/>) the local store is skipped: every tag is resolved at its registry.
/// </summary>
internal sealed class CoordinatorImageConfigResolver(BaseImageLocator localOnly, Func<Task<ClusterConnection>> connection,
    ICredentialStore? credentials, IReadOnlyList<string> insecureRegistries, bool pull = false) : IImageConfigResolver
{
    public async ValueTask<ResolvedImageConfig?> ResolveAsync(string reference, Platform platform, CancellationToken cancellationToken)
    {
        if (!pull || Engine.References.ImageReference.Parse(reference).Digest is not null)
        {
            try
            {
                var (config, digest) = await localOnly.ResolveConfigAsync(reference, platform, cancellationToken);
                return new ResolvedImageConfig(config, digest);
            }
            catch (BaseImageNotFoundException)
            {
                // not here: the coordinator asks the registry
            }
        }
        var cluster = await connection();
        var registry = Engine.References.ImageReference.Parse(reference).Registry;
        var logins = await RegistryLogins.ForAsync([registry], credentials, cancellationToken);
        var (id, answers) = cluster.OpenRequest();
        try
        {
            cluster.Send(new ResolveImageConfig(id, reference, PlatformSpec.Format(platform), logins, insecureRegistries));
            var answer = await answers.ReadAsync(cancellationToken) as ImageConfigResolved
                ?? throw new InvalidDataException("the coordinator answered with something else");
            if (answer.Error.Length > 0)
                throw new InvalidDataException(answer.Error);
            var config = JsonSerializer.Deserialize<ImageConfig>(answer.Config, Engine.Images.DocumentJson.Reading) ?? throw new InvalidDataException("the coordinator sent an empty image config");
            return new ResolvedImageConfig(config, answer.Digest.Length > 0 ? answer.Digest : null);
        }
        catch (System.Threading.Channels.ChannelClosedException e)
        {
            throw new IOException($"the connection to coordinator {cluster.Coordinator} closed while resolving {reference}", e);
        }
        finally
        {
            cluster.CloseRequest(id);
        }
    }
}
