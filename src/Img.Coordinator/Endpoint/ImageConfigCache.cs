using System.Collections.Concurrent;
using System.Text.Json;
using Img.Engine.Content;
using Img.Engine.Images;
using Img.Engine.Platforms;
using Img.Engine.Registry;
using Img.Engine.Registry.Credentials;
using Img.Engine.Worker.Sources;
using Img.Messages.Client;

namespace Img.Coordinator.Endpoint;

/// <summary>
/// Base image configs for clients converting Dockerfiles (<see cref="ResolveImageConfig"/>): the
/// coordinator's registry clients are warm (a CLI process would open a connection, and maybe
/// authenticate, for every build), and an answer is remembered for <see cref="Freshness"/>, so a
/// burst of builds from one FROM asks the registry once while a moved tag is seen soon enough.
/// Nothing is pulled: the manifest and config only.
/// </summary>
public sealed class ImageConfigCache(IContentStore content, IImageStore images) : IDisposable
{
    public static readonly TimeSpan Freshness = TimeSpan.FromSeconds(30);

    private readonly RegistryClients _anonymous = new();
    private readonly ConcurrentDictionary<string, (DateTime At, Task<ImageConfigResolved> Answer)> _answers = new(StringComparer.Ordinal);

    public Task<ImageConfigResolved> ResolveAsync(ResolveImageConfig request, CancellationToken cancellationToken)
    {
        // a login's answer is kept apart: another client without it must not see a private image
        var key = string.Join('\n', request.Reference, request.Platform, string.Join(',', request.Logins.Select(l => l.Registry + "/" + l.Username)),
            string.Join(',', request.InsecureRegistries));
        var now = DateTime.UtcNow;
        if (_answers.TryGetValue(key, out var known) && now - known.At < Freshness && !known.Answer.IsFaulted && !known.Answer.IsCanceled
            && (!known.Answer.IsCompleted || known.Answer.Result.Error.Length == 0))
            return RelabelAsync(known.Answer, request.RequestId);
        var answer = LookUpAsync(request, cancellationToken);
        _answers[key] = (now, answer);
        return RelabelAsync(answer, request.RequestId);
    }

    private static async Task<ImageConfigResolved> RelabelAsync(Task<ImageConfigResolved> answer, long requestId) =>
        (await answer.ConfigureAwait(false)) with { RequestId = requestId };

    private async Task<ImageConfigResolved> LookUpAsync(ResolveImageConfig request, CancellationToken cancellationToken)
    {
        RegistryClients? own = null;
        try
        {
            var registries = _anonymous;
            if (request.Logins.Count > 0 || request.InsecureRegistries.Count > 0)
            {
                var logins = request.Logins.ToDictionary(l => l.Registry, l => new RegistryCredential(l.Username, l.Password, l.IdentityToken.Length > 0 ? l.IdentityToken : null), StringComparer.Ordinal);
                registries = own = new RegistryClients(new RegistryClientOptions { Credentials = new Logins(logins), InsecureRegistries = request.InsecureRegistries });
            }
            var platform = PlatformSpec.Parse(request.Platform);
            var (config, digest) = await new BaseImageLocator(content, images, registries).ResolveConfigAsync(request.Reference, platform, cancellationToken).ConfigureAwait(false);
            return new ImageConfigResolved(request.RequestId, JsonSerializer.SerializeToUtf8Bytes(config), digest, "");
        }
        catch (Exception e) when (e is RegistryException or HttpRequestException or BaseImageNotFoundException or InvalidDataException or FormatException or TimeoutException or JsonException)
        {
            return new ImageConfigResolved(request.RequestId, [], "", e.Message);
        }
        finally
        {
            own?.Dispose();
        }
    }

    public void Dispose() => _anonymous.Dispose();

    private sealed class Logins(IReadOnlyDictionary<string, RegistryCredential> logins) : ICredentialStore
    {
        public ValueTask<RegistryCredential?> GetAsync(string registry, CancellationToken ct) => new(logins.GetValueOrDefault(registry));
    }
}
