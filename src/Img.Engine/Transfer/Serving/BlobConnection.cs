using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Img.Engine.Content;
using Img.Engine.Oci;

namespace Img.Engine.Transfer.Serving;

/// <summary>
/// One client connection of a <see cref="BlobServer"/>: the TLS handshake if configured, then
/// requests one after the other (keep-alive, pipelining) until the client closes, asks to close,
/// sends a body, sends something malformed, stays idle too long or the server stops.
/// </summary>
internal sealed class BlobConnection(Socket socket, IContentProvider blobs, IContentManager index, BlobServerOptions options)
{
    private const string OctetStream = "application/octet-stream";
    private const string JsonType = "application/json; charset=utf-8";

    private Stream _transport = null!;
    private X509Certificate? _clientCertificate;
    private readonly byte[] _head = new byte[options.MaxRequestHeadBytes];
    private int _headFilled;
    private bool _responseStarted;

    public async Task RunAsync(CancellationToken stopping)
    {
        var remote = socket.RemoteEndPoint as IPEndPoint;
        try
        {
            socket.NoDelay = true;
            var network = new NetworkStream(socket, ownsSocket: true);
            _transport = network;
            if (options.Tls is { } tls)
            {
                var ssl = new SslStream(network, leaveInnerStreamOpen: false);
                _transport = ssl;
                using var handshake = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                handshake.CancelAfter(options.RequestTimeout);
                await ssl.AuthenticateAsServerAsync(tls, handshake.Token).ConfigureAwait(false);
                _clientCertificate = ssl.RemoteCertificate;
            }
            while (!stopping.IsCancellationRequested)
            {
                var (head, error) = await ReadHeadAsync(stopping).ConfigureAwait(false);
                if (head is null && error is null)
                    return; // closed or idle
                if (head is null)
                {
                    await WriteErrorAsync(error == TooLarge ? HttpStatusCode.RequestHeaderFieldsTooLarge : HttpStatusCode.BadRequest,
                        "UNSUPPORTED", error!, null, close: true, head: false, stopping).ConfigureAwait(false);
                    await LingerAsync(stopping).ConfigureAwait(false);
                    return;
                }
                _responseStarted = false;
                if (!await ServeAsync(head, remote, stopping).ConfigureAwait(false))
                {
                    await LingerAsync(stopping).ConfigureAwait(false);
                    return;
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException
                                      or System.Security.Authentication.AuthenticationException)
        {
            // The client went away, failed the handshake, idled out, or the server is stopping.
        }
        catch (Exception e)
        {
            // One broken request must not stop the server: a 500 if the response has not begun, then close.
            options.OnConnectionError?.Invoke(e);
            if (!_responseStarted)
                await TryWriteServerErrorAsync(stopping).ConfigureAwait(false);
        }
        finally
        {
            if (_transport is not null)
                await _transport.DisposeAsync().ConfigureAwait(false);
            else
                socket.Dispose();
        }
    }

    /// <summary>
    /// Ends our side, then reads and drops what the client still sends (a body we did not want, the
    /// rest of an oversized head) for a moment: closing with unread input would reset the connection
    /// and could destroy the response before the client reads it.
    /// </summary>
    private async Task LingerAsync(CancellationToken stopping)
    {
        if (_transport is System.Net.Security.SslStream ssl)
            await ssl.ShutdownAsync().ConfigureAwait(false);
        socket.Shutdown(SocketShutdown.Send);
        using var linger = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        linger.CancelAfter(TimeSpan.FromSeconds(2));
        var sink = new byte[16 * 1024];
        long drained = 0;
        try
        {
            int n;
            while (drained < 4 * 1024 * 1024 && (n = await socket.ReceiveAsync(sink, SocketFlags.None, linger.Token).ConfigureAwait(false)) > 0)
                drained += n;
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
        }
    }

    private async Task TryWriteServerErrorAsync(CancellationToken stopping)
    {
        try
        {
            await WriteErrorAsync(HttpStatusCode.InternalServerError, "UNKNOWN", "the blob server failed on this request", null,
                close: true, head: false, stopping).ConfigureAwait(false);
            await LingerAsync(stopping).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    /// <summary>Closes the connection under whatever it is doing (server shutdown).</summary>
    public void Abort()
    {
        try
        {
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
        socket.Dispose();
    }

    private const string TooLarge = "request head too large";

    /// <summary>Reads up to the empty line; (null, null) when the client closed or stayed idle, (null, reason) when malformed.</summary>
    private async Task<(HttpRequestHead? Head, string? Error)> ReadHeadAsync(CancellationToken stopping)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(options.RequestTimeout);
        var scanned = 0;
        while (true)
        {
            var end = _head.AsSpan(Math.Max(0, scanned - 3), _headFilled - Math.Max(0, scanned - 3)).IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                end += Math.Max(0, scanned - 3);
                var head = HttpRequestHead.Parse(_head.AsSpan(0, end), out var error);
                // Keep what follows (a pipelined request) for the next round.
                var consumed = end + 4;
                _head.AsSpan(consumed, _headFilled - consumed).CopyTo(_head);
                _headFilled -= consumed;
                return (head, error);
            }
            scanned = _headFilled;
            if (_headFilled == _head.Length)
                return (null, TooLarge);
            int n;
            try
            {
                n = await _transport.ReadAsync(_head.AsMemory(_headFilled), timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
            {
                return (null, null);
            }
            if (n == 0)
                return _headFilled == 0 ? (null, null) : (null, "connection closed in the middle of a request head");
            _headFilled += n;
        }
    }

    /// <summary>Answers one request; false when the connection must be closed afterwards.</summary>
    private async Task<bool> ServeAsync(HttpRequestHead request, IPEndPoint? remote, CancellationToken ct)
    {
        var keepAlive = request.KeepAlive && !request.HasBody;
        var close = !keepAlive;
        var isHead = request.Method == "HEAD";
        string path;
        try
        {
            path = request.Path;
        }
        catch (UriFormatException)
        {
            await WriteErrorAsync(HttpStatusCode.BadRequest, "UNSUPPORTED", "malformed percent-encoding in the request target", null, true, isHead, ct).ConfigureAwait(false);
            return false;
        }

        if (options.Authorize is { } authorize)
        {
            var access = await authorize(new BlobServerRequest(request.Method, path, request.Headers, remote, _clientCertificate), ct).ConfigureAwait(false);
            if (access == BlobAccess.Unauthenticated)
            {
                await WriteErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED", "authentication required", null, close, isHead, ct,
                    ("WWW-Authenticate", options.Challenge)).ConfigureAwait(false);
                return keepAlive;
            }
            if (access != BlobAccess.Allowed)
            {
                await WriteErrorAsync(HttpStatusCode.Forbidden, "DENIED", "requested access to the resource is denied", null, close, isHead, ct).ConfigureAwait(false);
                return keepAlive;
            }
        }

        if (request.Method is not ("GET" or "HEAD"))
        {
            await WriteErrorAsync(HttpStatusCode.MethodNotAllowed, "UNSUPPORTED", $"{request.Method} is not served: this node's blobs are read-only",
                null, close, false, ct, ("Allow", "GET, HEAD")).ConfigureAwait(false);
            return keepAlive;
        }

        if (path is "/v2" or "/v2/")
        {
            await WriteHeadAsync(HttpStatusCode.OK, JsonType, 2, close, ct).ConfigureAwait(false);
            if (!isHead)
                await _transport.WriteAsync("{}"u8.ToArray(), ct).ConfigureAwait(false);
            return keepAlive;
        }

        var route = BlobRoute.Parse(path);
        if (route.Kind == BlobRouteKind.Blob && !Digest.TryParse(route.Reference, out _))
        {
            await WriteErrorAsync(HttpStatusCode.BadRequest, "DIGEST_INVALID", "not a sha256 digest", route.Reference, close, isHead, ct).ConfigureAwait(false);
            return keepAlive;
        }
        if (route.Kind != BlobRouteKind.Blob)
        {
            var (code, message) = route.Kind == BlobRouteKind.Manifest
                ? ("MANIFEST_UNKNOWN", "this server holds blobs only")
                : ("NAME_UNKNOWN", "only /v2/<name>/blobs/<digest> is served here");
            await WriteErrorAsync(HttpStatusCode.NotFound, code, message, null, close, isHead, ct).ConfigureAwait(false);
            return keepAlive;
        }
        return await ServeBlobAsync(Digest.Parse(route.Reference), isHead, close, ct).ConfigureAwait(false) && keepAlive;
    }

    private async Task<bool> ServeBlobAsync(Digest digest, bool isHead, bool close, CancellationToken ct)
    {
        IContentReader? reader = null;
        long size;
        try
        {
            if (await index.InfoAsync(digest, ct).ConfigureAwait(false) is not { } info)
            {
                await WriteErrorAsync(HttpStatusCode.NotFound, "BLOB_UNKNOWN", "this node does not hold the blob", digest.ToString(), close, isHead, ct).ConfigureAwait(false);
                return true;
            }
            size = info.Size;
            if (!isHead)
            {
                reader = await blobs.OpenAsync(new Descriptor { MediaType = OctetStream, Digest = digest.ToString(), Size = size }, ct).ConfigureAwait(false);
                size = reader.Size;
            }
        }
        catch (Exception e) when (e is ContentNotFoundException or ContentVerificationException)
        {
            // Deleted (or replaced) between the look-up and the open.
            await WriteErrorAsync(HttpStatusCode.NotFound, "BLOB_UNKNOWN", "this node does not hold the blob", digest.ToString(), close, isHead, ct).ConfigureAwait(false);
            return true;
        }

        await using (reader)
        {
            await WriteHeadAsync(HttpStatusCode.OK, OctetStream, size, close, ct, ("Docker-Content-Digest", digest.ToString())).ConfigureAwait(false);
            if (reader is not null)
            {
                if (_transport is NetworkStream && reader.Stream is FileStream file)
                    return await SendFileAsync(file, size, ct).ConfigureAwait(false);
                return await CopyAsync(reader.Stream, size, ct).ConfigureAwait(false);
            }
        }
        return true;
    }

    /// <summary>
    /// Plain TCP and a blob in a file: the kernel copies the file to the socket (sendfile), leaving
    /// the CPU to the hashing clients on the same host.
    /// </summary>
    private async Task<bool> SendFileAsync(FileStream file, long size, CancellationToken ct)
    {
        const int Chunk = 64 * 1024 * 1024;
        var elements = new List<SendPacketsElement>();
        for (long offset = 0; offset < size; offset += Chunk)
            elements.Add(new SendPacketsElement(file, offset, (int)Math.Min(Chunk, size - offset)));
        if (elements.Count == 0)
            return true;
        using var args = new SocketAsyncEventArgs { SendPacketsElements = elements.ToArray() };
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        args.Completed += (_, e) => Finish(e, done);
        // Cancelling closes the socket: the only way to stop a send in progress.
        await using var stop = ct.Register(Abort);
        if (!socket.SendPacketsAsync(args))
            Finish(args, done);
        await done.Task.ConfigureAwait(false);
        return true;

        static void Finish(SocketAsyncEventArgs e, TaskCompletionSource done)
        {
            if (e.SocketError == SocketError.Success)
                done.TrySetResult();
            else
                done.TrySetException(new SocketException((int)e.SocketError));
        }
    }

    /// <summary>
    /// Copies the blob with two large buffers, reading the next one while the last one is sent.
    /// False when the blob ended early: the response cannot be completed, so the connection closes.
    /// </summary>
    private async Task<bool> CopyAsync(Stream source, long size, CancellationToken ct)
    {
        var length = (int)Math.Min(options.BufferSize, Math.Max(1, size));
        var current = ArrayPool<byte>.Shared.Rent(length);
        var next = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var remaining = size;
            var n = remaining == 0 ? 0 : await source.ReadAsync(current.AsMemory(0, (int)Math.Min(length, remaining)), ct).ConfigureAwait(false);
            while (n > 0)
            {
                remaining -= n;
                var send = _transport.WriteAsync(current.AsMemory(0, n), ct);
                var read = remaining > 0 ? source.ReadAsync(next.AsMemory(0, (int)Math.Min(length, remaining)), ct) : ValueTask.FromResult(0);
                try
                {
                    await send.ConfigureAwait(false);
                }
                finally
                {
                    // Awaited even when the send failed: the buffer goes back to the pool only after the read is done with it.
                    n = await read.ConfigureAwait(false);
                }
                (current, next) = (next, current);
            }
            await _transport.FlushAsync(ct).ConfigureAwait(false);
            return remaining == 0;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(current);
            ArrayPool<byte>.Shared.Return(next);
        }
    }

    private Task WriteHeadAsync(HttpStatusCode status, string contentType, long contentLength, bool close, CancellationToken ct,
        params (string Name, string Value)[] extra)
    {
        _responseStarted = true;
        var head = new StringBuilder(256);
        head.Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {(int)status} {Reason(status)}\r\n");
        head.Append(CultureInfo.InvariantCulture, $"Content-Length: {contentLength}\r\n");
        head.Append("Content-Type: ").Append(contentType).Append("\r\n");
        head.Append("Docker-Distribution-API-Version: registry/2.0\r\n");
        foreach (var (name, value) in extra)
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        if (close)
            head.Append("Connection: close\r\n");
        head.Append("\r\n");
        return _transport.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), ct).AsTask();
    }

    private async Task WriteErrorAsync(HttpStatusCode status, string code, string message, string? detail, bool close, bool head,
        CancellationToken ct, params (string Name, string Value)[] extra)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new { errors = new[] { new { code, message, detail } } });
        await WriteHeadAsync(status, JsonType, body.Length, close, ct, extra).ConfigureAwait(false);
        if (!head)
            await _transport.WriteAsync(body, ct).ConfigureAwait(false);
        await _transport.FlushAsync(ct).ConfigureAwait(false);
    }

    private static string Reason(HttpStatusCode status) => status switch
    {
        HttpStatusCode.OK => "OK",
        HttpStatusCode.BadRequest => "Bad Request",
        HttpStatusCode.Unauthorized => "Unauthorized",
        HttpStatusCode.Forbidden => "Forbidden",
        HttpStatusCode.NotFound => "Not Found",
        HttpStatusCode.MethodNotAllowed => "Method Not Allowed",
        HttpStatusCode.RequestHeaderFieldsTooLarge => "Request Header Fields Too Large",
        HttpStatusCode.InternalServerError => "Internal Server Error",
        _ => status.ToString(),
    };
}
