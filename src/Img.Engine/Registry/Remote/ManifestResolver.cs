using System.Net.Http.Headers;
using System.Text.Json;
using Img.Engine.Content;
using Img.Engine.Oci;
using Img.Engine.Platforms;
using Img.Engine.Registry.Auth;

namespace Img.Engine.Registry.Remote;

/// <summary>
/// containerd's resolver: turns a tag or digest into verified manifest bytes, and an index into
/// the manifest for one platform. By digest the bytes must hash to it; by tag they must agree with
/// <c>Docker-Content-Digest</c> when the registry sends one.
/// </summary>
internal sealed class ManifestResolver(RegistryTransport transport)
{
    /// <summary>What a pull accepts, indexes first so that platform selection can happen here.</summary>
    public static readonly IReadOnlyList<string> DefaultAccept =
    [
        MediaTypes.OciIndex, MediaTypes.DockerManifestList, MediaTypes.OciManifest, MediaTypes.DockerManifest,
    ];

    /// <summary>Indexes inside indexes are followed this deep, no deeper.</summary>
    private const int MaxIndexDepth = 4;

    public async Task<FetchedManifest> GetManifestAsync(string repository, string reference,
        IReadOnlyList<string>? accept, CancellationToken ct)
    {
        var subject = transport.Subject(repository, reference);
        var acceptTypes = accept ?? DefaultAccept;
        using var response = await transport.SendAsync(() =>
        {
            var r = new HttpRequestMessage(HttpMethod.Get, transport.ApiUri($"v2/{repository}/manifests/{reference}"));
            foreach (var a in acceptTypes) r.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(a));
            return r;
        }, [AuthScope.Pull(repository).ToString()], subject, idempotent: true, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw await RegistryErrors.FromResponseAsync(response, subject, RegistryErrorKind.ManifestUnknown, ct).ConfigureAwait(false);

        var content = await ReadBoundedAsync(response, transport.Options.MaxManifestBytes, subject, ct).ConfigureAwait(false);
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (string.IsNullOrEmpty(mediaType) || mediaType is "application/json" or "text/plain")
            mediaType = SniffMediaType(content) ?? mediaType ?? "";
        var headerDigest = response.Headers.TryGetValues("Docker-Content-Digest", out var values) ? values.FirstOrDefault() : null;
        // By digest the bytes must hash to it; by tag they must agree with the header when it is a sha256 digest.
        Digest? expected = RegistryTransport.IsDigestReference(reference) ? Digest.Parse(reference)
            : Digest.TryParse(headerDigest, out var announced) ? announced : null;
        var actual = Digest.Compute(content);
        if (expected is { } e && e != actual)
            throw RegistryErrors.DigestMismatch(subject, e.ToString(), actual.ToString());
        return new FetchedManifest(content, mediaType, actual.ToString());
    }

    public async Task<ResolvedManifest> ResolvePlatformAsync(string repository, string reference,
        Platform? platform, CancellationToken ct)
    {
        var want = platform ?? PlatformSpec.Default();
        var subject = transport.Subject(repository, reference);
        var root = await GetManifestAsync(repository, reference, null, ct).ConfigureAwait(false);
        var current = root;
        for (var depth = 0; current.IsIndex; depth++)
        {
            if (depth == MaxIndexDepth)
                throw new RegistryException(RegistryErrorKind.Protocol, $"indexes nested too deeply: {subject}");
            var index = Deserialize<ImageIndex>(current, subject);
            var chosen = PlatformMatcher.Select(index.Manifests, want)
                ?? throw new RegistryException(RegistryErrorKind.ManifestUnknown,
                    $"no matching manifest for {PlatformSpec.Format(PlatformSpec.Normalize(want))} in the manifest list entries: {subject}");
            current = await GetChildAsync(repository, chosen, ct).ConfigureAwait(false);
        }
        if (!MediaTypes.IsManifest(current.MediaType))
            throw new RegistryException(RegistryErrorKind.Protocol,
                $"unsupported manifest media type \"{current.MediaType}\": {subject}");
        return new ResolvedManifest(root, current);
    }

    /// <summary>An index entry's manifest, by digest, with the size the index promised.</summary>
    public async Task<FetchedManifest> GetChildAsync(string repository, Descriptor child, CancellationToken ct)
    {
        var fetched = await GetManifestAsync(repository, child.Digest, null, ct).ConfigureAwait(false);
        if (fetched.Content.LongLength != child.Size)
            throw new RegistryException(RegistryErrorKind.DigestMismatch,
                $"size mismatch for {transport.Subject(repository, child.Digest)}: index says {child.Size}, got {fetched.Content.LongLength}");
        return fetched;
    }

    public static T Deserialize<T>(FetchedManifest manifest, string subject)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(manifest.Content)
                ?? throw new RegistryException(RegistryErrorKind.Protocol, $"empty manifest: {subject}");
        }
        catch (JsonException e)
        {
            throw new RegistryException(RegistryErrorKind.Protocol, $"invalid manifest JSON: {subject}: {e.Message}", inner: e);
        }
    }

    private static async Task<byte[]> ReadBoundedAsync(HttpResponseMessage response, int limit, string subject, CancellationToken ct)
    {
        if (response.Content.Headers.ContentLength > limit)
            throw new RegistryException(RegistryErrorKind.Protocol, $"manifest too large ({response.Content.Headers.ContentLength} bytes): {subject}");
        await using var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        using var memory = new MemoryStream();
        var buffer = new byte[64 * 1024];
        int n;
        while ((n = await stream.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
        {
            if (memory.Length + n > limit)
                throw new RegistryException(RegistryErrorKind.Protocol, $"manifest larger than {limit} bytes: {subject}");
            memory.Write(buffer, 0, n);
        }
        return memory.ToArray();
    }

    /// <summary>Registries that answer <c>application/json</c> get the media type from the document itself.</summary>
    private static string? SniffMediaType(byte[] content)
    {
        try
        {
            using var doc = JsonDocument.Parse(content);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return null;
            if (root.TryGetProperty("mediaType", out var mt) && mt.ValueKind == JsonValueKind.String) return mt.GetString();
            if (root.TryGetProperty("manifests", out _)) return MediaTypes.OciIndex;
            if (root.TryGetProperty("config", out _)) return MediaTypes.OciManifest;
        }
        catch (JsonException)
        {
        }
        return null;
    }
}
