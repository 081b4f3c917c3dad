using System.Net;
using System.Text;
using Img.Engine.Content;
using Img.Engine.Graph;
using Img.Engine.Operations.Files;
using Img.Engine.Tests.Fixtures;
using Xunit;
using static Img.Engine.Tests.Operations.Files.FileOpFixture;

namespace Img.Engine.Tests.Operations.Files;

/// <summary>ADD of a URL against an HttpListener on 127.0.0.1.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class HttpSourceFetcherTests : IDisposable
{
    private static readonly DateTimeOffset LastModified = new(2015, 10, 21, 7, 28, 0, TimeSpan.Zero);
    private const string Body = "downloaded content\n";
    private readonly FileOpFixture _f = new();
    private readonly HttpListener _listener = new();
    private readonly string _base;
    private readonly CancellationTokenSource _stop = new();

    public HttpSourceFetcherTests()
    {
        _base = $"http://127.0.0.1:{FreePort.Next()}/";
        _listener.Prefixes.Add(_base);
        _listener.Start();
        _ = ServeAsync();
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
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
            var path = ctx.Request.Url!.AbsolutePath;
            var response = ctx.Response;
            if (path.StartsWith("/missing", StringComparison.Ordinal))
            {
                response.StatusCode = 404;
            }
            else
            {
                if (path.StartsWith("/dated", StringComparison.Ordinal)) response.Headers.Add("Last-Modified", LastModified.ToString("R"));
                if (path.StartsWith("/disposition", StringComparison.Ordinal)) response.Headers.Add("Content-Disposition", "attachment; filename=\"report.csv\"");
                var bytes = Encoding.UTF8.GetBytes(Body);
                response.ContentLength64 = bytes.Length;
                await response.OutputStream.WriteAsync(bytes);
            }
            response.Close();
        }
    }

    private SourceOp Http(string path, string filename = "", string checksum = "") =>
        new(SourceKind.Http, _base + path) { Filename = filename, Checksum = checksum };

    private static string Sha(string text) => Digest.Compute(Encoding.UTF8.GetBytes(text)).ToString();

    [Fact]
    public async Task Downloads_with_mode_0600_and_the_last_modified_time()
    {
        string dir = _f.Scratch("http");

        var got = await HttpSourceFetcher.FetchAsync(Http("dated/file.txt", "file.txt"), dir, CancellationToken.None);

        Assert.Equal(Path.Join(dir, "file.txt"), got.Path);
        Assert.Equal(Body, File.ReadAllText(got.Path));
        var st = Stat(got.Path);
        Assert.Equal(0x180u, st.Permissions);
        Assert.Equal(LastModified.ToUnixTimeSeconds(), st.MtimeSeconds);
        Assert.Equal(Sha(Body), got.Digest.ToString());
        Assert.Equal(["file.txt"], CopyPathTests.Names(dir));
    }

    [Fact]
    public async Task Without_last_modified_the_time_is_the_epoch()
    {
        var got = await HttpSourceFetcher.FetchAsync(Http("plain.bin", "plain.bin"), _f.Scratch("http"), CancellationToken.None);

        Assert.Equal(0, Stat(got.Path).MtimeSeconds);
        Assert.Null(got.LastModified);
    }

    [Fact]
    public async Task Name_comes_from_content_disposition_when_the_op_has_none()
    {
        var got = await HttpSourceFetcher.FetchAsync(Http("disposition/x"), _f.Scratch("http"), CancellationToken.None);

        Assert.Equal("report.csv", got.Name);
    }

    [Fact]
    public async Task Matching_checksum_is_accepted()
    {
        var got = await HttpSourceFetcher.FetchAsync(Http("f", "f", Sha(Body)), _f.Scratch("http"), CancellationToken.None);

        Assert.True(File.Exists(got.Path));
    }

    [Fact]
    public async Task Wrong_checksum_is_an_error_naming_both_digests_and_leaves_nothing()
    {
        string dir = _f.Scratch("http");
        string wrong = Sha("something else");

        var e = await Assert.ThrowsAsync<FileOpException>(() => HttpSourceFetcher.FetchAsync(Http("f", "f", wrong), dir, CancellationToken.None));

        Assert.Equal($"digest mismatch for {_base}f: {Sha(Body)} (expected: {wrong})", e.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir));
    }

    [Fact]
    public async Task Error_status_is_an_error()
    {
        var e = await Assert.ThrowsAsync<FileOpException>(() => HttpSourceFetcher.FetchAsync(Http("missing/x", "x"), _f.Scratch("http"), CancellationToken.None));

        Assert.Equal("invalid response status 404", e.Message);
    }

    [Fact]
    public async Task Add_url_end_to_end_keeps_mode_and_time_and_applies_chown()
    {
        var http = Http("dated/tool.sh", "tool.sh");
        var input = new OpInput(new OpDigest("sha256:http"));
        string dir = _f.Scratch("http");
        await HttpSourceFetcher.FetchAsync(http, dir, CancellationToken.None);
        // As the converter builds it: the http input, its file name, CreateDestPath.
        var op = new FileOp(BaseInput, [new FileCopyAction(input, "tool.sh", "/usr/local/bin/") { CreateDestPath = true, Chown = "5:6" }]);

        await new FileOpRunner().ApplyAsync(op, _f.Root, new Dictionary<OpInput, FileInputSource> { [input] = new(dir) }, CancellationToken.None);

        var st = Stat(_f.InRoot("usr/local/bin/tool.sh"));
        Assert.Equal(0x180u, st.Permissions);
        Assert.Equal(LastModified.ToUnixTimeSeconds(), st.MtimeSeconds);
        Assert.Equal((5u, 6u), (st.Uid, st.Gid));
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
        _stop.Dispose();
        _f.Dispose();
    }
}
