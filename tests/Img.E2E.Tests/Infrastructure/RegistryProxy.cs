using System.Net;
using System.Net.Sockets;
using System.Text;
using Img.Engine.Tests.Fixtures;

namespace Img.E2E.Tests.Infrastructure;

/// <summary>
/// A plain-HTTP proxy on 127.0.0.1 in front of a test registry: it records every request (method,
/// path, status, body bytes sent back) so a test can count what was downloaded, and it can "go
/// away": once a request matches <see cref="FailWhen"/>, that request and every later one get their
/// connection closed without an answer, as from a registry that died. The Host header is passed on
/// so the registry's upload locations point back at the proxy.
/// </summary>
public sealed class RegistryProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.None });
    private readonly string _upstream;
    private readonly List<ProxiedRequest> _requests = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly List<Task> _connections = [];
    private volatile bool _down;

    public RegistryProxy(string upstreamHost)
    {
        _upstream = upstreamHost;
        Port = FreePort.Next();
        _listener = new TcpListener(IPAddress.Loopback, Port);
        _listener.Start();
        _loop = Task.Run(AcceptAsync);
    }

    public int Port { get; }

    /// <summary>The registry as references through the proxy name it.</summary>
    public string Host => $"127.0.0.1:{Port}";

    /// <summary>(method, path) → the registry goes away from this request on.</summary>
    public Func<string, string, bool>? FailWhen { get; set; }

    /// <summary>True once <see cref="FailWhen"/> matched.</summary>
    public bool Down => _down;

    public IReadOnlyList<ProxiedRequest> Requests
    {
        get
        {
            lock (_requests) return [.. _requests];
        }
    }

    public void Clear()
    {
        lock (_requests) _requests.Clear();
    }

    /// <summary>Body bytes sent back for blob GETs (layers and configs downloaded).</summary>
    public long BlobBytesDownloaded(Func<string, bool>? digest = null) =>
        Requests.Where(r => r.Method == "GET" && r.Path.Contains("/blobs/sha256:", StringComparison.Ordinal)
                            && (digest is null || digest(r.Path[(r.Path.LastIndexOf('/') + 1)..])))
            .Sum(r => r.ResponseBytes);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            lock (_connections)
                _connections.Add(Task.Run(() => ServeAsync(client)));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        var stream = client.GetStream();
        var reader = new BufferedReader(stream);
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var head = await reader.ReadHeadAsync(_stop.Token);
                if (head is null)
                    return;
                var lines = head.Split("\r\n");
                var parts = lines[0].Split(' ');
                var (method, target) = (parts[0], parts[1]);
                var headers = lines.Skip(1).Where(l => l.Length > 0).Select(l => (Name: l[..l.IndexOf(':')].Trim(), Value: l[(l.IndexOf(':') + 1)..].Trim())).ToList();
                byte[] body = [];
                if (headers.FirstOrDefault(h => h.Name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)).Value is { } length)
                    body = await reader.ReadExactlyAsync(int.Parse(length, System.Globalization.CultureInfo.InvariantCulture), _stop.Token);
                else if (headers.Any(h => h.Name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) && h.Value.Contains("chunked", StringComparison.OrdinalIgnoreCase)))
                    body = await reader.ReadChunkedAsync(_stop.Token);

                if (_down || FailWhen?.Invoke(method, target) == true)
                {
                    _down = true;
                    lock (_requests) _requests.Add(new ProxiedRequest(method, target, 0, 0));
                    return; // closed without an answer
                }

                using var request = new HttpRequestMessage(new HttpMethod(method), $"http://{_upstream}{target}");
                if (method is not ("GET" or "HEAD" or "DELETE"))
                    request.Content = new ByteArrayContent(body);
                foreach (var (name, value) in headers)
                {
                    if (name.Equals("Host", StringComparison.OrdinalIgnoreCase))
                        request.Headers.Host = value;
                    else if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) || name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)
                             || name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
                        continue;
                    else if (!request.Headers.TryAddWithoutValidation(name, value))
                        request.Content?.Headers.TryAddWithoutValidation(name, value);
                }
                using var response = await _http.SendAsync(request, _stop.Token);
                var responseBody = await response.Content.ReadAsByteArrayAsync(_stop.Token);
                var text = new StringBuilder($"HTTP/1.1 {(int)response.StatusCode} {response.ReasonPhrase}\r\n");
                foreach (var header in response.Headers.Concat(response.Content.Headers))
                {
                    if (header.Key is "Transfer-Encoding" or "Content-Length" or "Connection")
                        continue;
                    foreach (var value in header.Value)
                        text.Append(header.Key).Append(": ").Append(value).Append("\r\n");
                }
                var announced = method == "HEAD" ? response.Content.Headers.ContentLength ?? 0 : responseBody.Length;
                text.Append("Content-Length: ").Append(announced).Append("\r\n\r\n");
                await stream.WriteAsync(Encoding.ASCII.GetBytes(text.ToString()), _stop.Token);
                if (method != "HEAD")
                    await stream.WriteAsync(responseBody, _stop.Token);
                lock (_requests) _requests.Add(new ProxiedRequest(method, target, (int)response.StatusCode, method == "HEAD" ? 0 : responseBody.Length));
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or SocketException or HttpRequestException or ObjectDisposedException)
        {
            // the client went away, or the proxy stops
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
        Task[] connections;
        lock (_connections) connections = [.. _connections];
        await Task.WhenAll(connections);
        _http.Dispose();
        _stop.Dispose();
    }

    /// <summary>Reads an HTTP/1.1 request head and bodies off a stream.</summary>
    private sealed class BufferedReader(Stream stream)
    {
        private readonly byte[] _buffer = new byte[64 * 1024];
        private int _start;
        private int _end;

        public async Task<string?> ReadHeadAsync(CancellationToken ct)
        {
            var head = new List<byte>();
            while (true)
            {
                if (_start == _end && !await FillAsync(ct))
                    return head.Count == 0 ? null : throw new IOException("connection closed mid-head");
                head.Add(_buffer[_start++]);
                var n = head.Count;
                if (n >= 4 && head[n - 4] == '\r' && head[n - 3] == '\n' && head[n - 2] == '\r' && head[n - 1] == '\n')
                    return Encoding.ASCII.GetString(head.ToArray(), 0, n - 4);
            }
        }

        public async Task<byte[]> ReadExactlyAsync(int count, CancellationToken ct)
        {
            var result = new byte[count];
            var done = 0;
            while (done < count)
            {
                if (_start == _end && !await FillAsync(ct))
                    throw new IOException("connection closed mid-body");
                var n = Math.Min(count - done, _end - _start);
                Array.Copy(_buffer, _start, result, done, n);
                _start += n;
                done += n;
            }
            return result;
        }

        public async Task<byte[]> ReadChunkedAsync(CancellationToken ct)
        {
            using var body = new MemoryStream();
            while (true)
            {
                var size = Convert.ToInt32((await ReadLineAsync(ct)).Split(';')[0].Trim(), 16);
                if (size == 0)
                {
                    await ReadLineAsync(ct);
                    return body.ToArray();
                }
                body.Write(await ReadExactlyAsync(size, ct));
                await ReadLineAsync(ct);
            }
        }

        private async Task<string> ReadLineAsync(CancellationToken ct)
        {
            var line = new StringBuilder();
            while (true)
            {
                if (_start == _end && !await FillAsync(ct))
                    throw new IOException("connection closed mid-line");
                var c = (char)_buffer[_start++];
                if (c == '\n')
                    return line.ToString().TrimEnd('\r');
                line.Append(c);
            }
        }

        private async Task<bool> FillAsync(CancellationToken ct)
        {
            _start = 0;
            _end = await stream.ReadAsync(_buffer, ct);
            return _end > 0;
        }
    }
}
