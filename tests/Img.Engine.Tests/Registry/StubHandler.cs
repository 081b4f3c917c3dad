using System.Collections.Concurrent;

namespace Img.Engine.Tests.Registry;

/// <summary>An in-memory HTTP stack: the test decides each response; requests are recorded.</summary>
internal sealed class StubHandler(Func<HttpRequestMessage, HttpResponseMessage> respond) : HttpMessageHandler
{
    public ConcurrentQueue<HttpRequestMessage> Requests { get; } = new();

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests.Enqueue(request);
        var response = respond(request);
        response.RequestMessage ??= request;
        return Task.FromResult(response);
    }
}
