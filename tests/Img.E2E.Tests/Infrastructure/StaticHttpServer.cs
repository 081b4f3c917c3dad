using System.Net;
using Img.Engine.Tests.Fixtures;

namespace Img.E2E.Tests.Infrastructure;

/// <summary>Serves fixed files over plain HTTP on 127.0.0.1 (for ADD URL); counts requests.</summary>
public sealed class StaticHttpServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly IReadOnlyDictionary<string, byte[]> _files;
    private readonly Task _loop;
    private int _requests;

    public StaticHttpServer(IReadOnlyDictionary<string, byte[]> files)
    {
        _files = files;
        Port = FreePort.Next();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }
    public int Requests => Volatile.Read(ref _requests);
    public string Url(string name) => $"http://127.0.0.1:{Port}/{name}";

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext ctx;
            try
            {
                ctx = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            Interlocked.Increment(ref _requests);
            using var response = ctx.Response;
            if (_files.TryGetValue(ctx.Request.Url!.AbsolutePath.TrimStart('/'), out var body))
            {
                response.StatusCode = 200;
                response.ContentLength64 = body.Length;
                if (ctx.Request.HttpMethod != "HEAD")
                    await response.OutputStream.WriteAsync(body);
            }
            else
            {
                response.StatusCode = 404;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }
}
