using System.Net;
using Img.Engine.Registry.Auth;
using Img.Engine.Registry.Credentials;

namespace Img.Engine.Registry.Remote;

/// <summary>
/// The <c>/v2/</c> handshake: <see cref="PingAsync"/> learns which authentication the registry
/// wants; <see cref="CheckCredentialsAsync"/> is what <c>img login</c> does before saving
/// anything: Basic on <c>/v2/</c>, or a token fetch for Bearer registries, with the credential
/// being tried rather than the stored ones.
/// </summary>
internal sealed class RegistryLogin(RegistryTransport transport)
{
    public async Task<IReadOnlyList<AuthChallenge>> PingAsync(CancellationToken ct)
    {
        using var response = await transport.SendRawAsync(() => new HttpRequestMessage(HttpMethod.Get, transport.ApiUri("v2/")),
            idempotent: true, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            var challenges = AuthChallengeParser.Parse(response.Headers.WwwAuthenticate.Select(h => h.ToString()));
            transport.Authorizer.Learn(response, null, sentAuthorization: false);
            return challenges;
        }
        if (!response.IsSuccessStatusCode)
            throw await RegistryErrors.FromResponseAsync(response, transport.Endpoint.Name, RegistryErrorKind.Other, ct).ConfigureAwait(false);
        return [];
    }

    public async Task CheckCredentialsAsync(RegistryCredential credential, CancellationToken ct)
    {
        var options = transport.Options;
        var authorizer = new RegistryAuthorizer(transport.Endpoint, transport.Http, new FixedCredentialStore(credential),
            new TokenCache(options.TimeProvider), options.TimeProvider, options.InsecureRegistries);
        var challenges = await PingAsync(ct).ConfigureAwait(false);
        var challenge = challenges.FirstOrDefault(c => c.IsBearer) ?? challenges.FirstOrDefault(c => c.IsBasic);
        if (challenge is null) return; // the registry lets everyone in
        authorizer.SetChallenge(challenge);
        using var request = new HttpRequestMessage(HttpMethod.Get, transport.ApiUri("v2/"));
        await authorizer.AuthorizeAsync(request, [], transport.Endpoint.Name, ct).ConfigureAwait(false);
        using var response = await transport.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw await RegistryErrors.FromResponseAsync(response, transport.Endpoint.Name, RegistryErrorKind.Other, ct).ConfigureAwait(false);
    }
}
