using Img.Engine.Graph;
using Img.Engine.Oci;
using Img.Engine.Platforms;

namespace Img.Engine.Frontend.Dockerfile.Conversion;

/// <summary>
/// A multi-platform build (<c>--platform linux/amd64,linux/arm64</c>), as BuildKit's dockerfile
/// frontend does it: the Dockerfile is converted once per platform, each with that platform's
/// TARGET* args and progress names prefixed by the platform, and the graphs are joined under one
/// <see cref="ImageIndexOp"/>, so one solve builds every platform at the same time. Steps equal
/// in every platform (a <c>FROM --platform=$BUILDPLATFORM</c> stage that does not read TARGET*)
/// are one vertex and run once.
/// </summary>
public static class MultiPlatformConverter
{
    /// <summary>
    /// The joined graph (its target is the index), the first platform's image config and platform,
    /// and the context paths any platform reads.
    /// </summary>
    /// <param name="platforms">At least two, distinct, in the order the index lists them.</param>
    /// <exception cref="DockerfileException">Any error in the Dockerfile, with file and line.</exception>
    public static async Task<ConversionResult> ConvertAsync(string text, ConvertOptions options, IReadOnlyList<Platform> platforms, CancellationToken cancellationToken)
    {
        var normalized = platforms.Select(PlatformSpec.Normalize).ToArray();
        // BuildKit converts the platforms concurrently; a Dockerfile error is reported for the first platform
        var conversions = normalized
            .Select(p => DockerfileConverter.ConvertAsync(text, options with { TargetPlatform = p, MultiPlatform = true }, cancellationToken))
            .ToArray();
        var results = new ConversionResult[conversions.Length];
        for (var i = 0; i < conversions.Length; i++)
            results[i] = await conversions[i].ConfigureAwait(false);

        var builder = new BuildGraphBuilder();
        foreach (var result in results)
        {
            foreach (var vertex in result.Graph.Vertices)
                builder.Add(vertex.Op, vertex.Metadata);
        }
        var index = builder.Add(new ImageIndexOp(results.Select(r => new OpInput(r.Graph.Target.Digest)).ToArray(), normalized),
            new OpMetadata("exporting to image", "", options.NoCache));
        return new ConversionResult(builder.Build(index.Digest), results[0].Image, normalized[0], ContextPaths(results));
    }

    /// <summary>Every path some platform reads; "/" when one reads the whole context.</summary>
    private static IReadOnlyList<string> ContextPaths(IReadOnlyList<ConversionResult> results)
    {
        if (results.Any(r => r.ContextPaths.Contains("/")))
            return ["/"];
        return results.SelectMany(r => r.ContextPaths).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
    }
}
