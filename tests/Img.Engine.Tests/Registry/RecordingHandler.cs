using System.Collections.Concurrent;

namespace Img.Engine.Tests.Registry;

/// <summary>Passes requests to a real socket handler and records method and path of each.</summary>
internal sealed class RecordingHandler() : DelegatingHandler(new SocketsHttpHandler())
{
    public ConcurrentQueue<(HttpMethod Method, string PathAndQuery, string? ContentRange)> Requests { get; } = new();

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        string? range = request.Content?.Headers.TryGetValues("Content-Range", out var values) == true ? values.First() : null;
        Requests.Enqueue((request.Method, request.RequestUri!.PathAndQuery, range));
        return base.SendAsync(request, cancellationToken);
    }
}
