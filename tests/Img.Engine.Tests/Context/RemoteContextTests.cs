using System.Security.Cryptography;
using System.Text;
using Img.Engine.Archive;
using Img.Engine.Content;
using Img.Engine.Content.Local;
using Img.Engine.Context;
using Img.Engine.Context.Remote;
using Img.Engine.Oci;
using Img.Engine.Solver;
using Xunit;

namespace Img.Engine.Tests.Context;

/// <summary>
/// The node's side of a context upload: <see cref="ContextMaterializer"/> recreates a listing a
/// client sent. The client is honest, so a hostile listing is built here by hand: paths that climb
/// out (<c>..</c>), absolute paths, and paths below a listed symbolic link must be refused before
/// anything is written, with nothing appearing outside the target; an honest listing comes back
/// byte for byte with its links and modes.
/// </summary>
public sealed class RemoteContextTests : IDisposable
{
    private const string Secret = "owned\n";

    private readonly string _root = Directory.CreateTempSubdirectory("img-remote-ctx-").FullName;
    private readonly LocalContentStore _store;

    public RemoteContextTests()
    {
        _store = new LocalContentStore(Path.Combine(_root, "content"));
        Directory.CreateDirectory(Outside);
    }

    /// <summary>Where an escape would land: next to the target.</summary>
    private string Outside => Path.Combine(_root, "outside");

    private string Target => Path.Combine(_root, "target");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    public static TheoryData<string> EscapingPaths => new()
    {
        "../outside/evil.txt",
        "../../evil.txt",
        "a/../../outside/evil.txt",
        "..",
        "/outside/evil.txt",
        "/etc/evil.txt",
        "./evil.txt",
        "a//evil.txt",
        "a/./evil.txt",
        "a/evil.txt/",
    };

    [Theory]
    [MemberData(nameof(EscapingPaths))]
    public async Task A_path_that_is_absolute_climbs_out_or_is_not_clean_is_refused_before_anything_is_written(string path)
    {
        var listing = Listing(Dir("a"), File("fine.txt"), File(path));

        var e = await Assert.ThrowsAsync<InvalidDataException>(() => MaterializeAsync(listing));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        AssertNothingWritten();
    }

    [Fact]
    public async Task A_file_below_a_listed_symlink_to_outside_is_refused_and_the_link_is_not_created()
    {
        var listing = Listing(Link("link", Outside), File("link/evil.txt"));

        var e = await Assert.ThrowsAsync<InvalidDataException>(() => MaterializeAsync(listing));

        Assert.Contains("link/evil.txt", e.Message, StringComparison.Ordinal);
        Assert.Contains("symbolic link", e.Message, StringComparison.Ordinal);
        AssertNothingWritten();
    }

    [Fact]
    public async Task A_directory_below_a_relative_symlink_deeper_in_the_tree_is_refused()
    {
        var listing = Listing(Dir("d"), Link("d/up", "../.."), Dir("d/up/outside"), File("d/up/outside/evil.txt"));

        var e = await Assert.ThrowsAsync<InvalidDataException>(() => MaterializeAsync(listing));

        Assert.Contains("d/up/outside", e.Message, StringComparison.Ordinal);
        AssertNothingWritten();
    }

    [Fact]
    public async Task A_path_listed_twice_as_link_and_file_is_refused()
    {
        // written in order, the file would go through the link: refused as a duplicate instead
        var listing = Listing(Link("x", Path.Combine(Outside, "evil.txt")), File("x"));

        var e = await Assert.ThrowsAsync<InvalidDataException>(() => MaterializeAsync(listing));

        Assert.Contains("\"x\"", e.Message, StringComparison.Ordinal);
        AssertNothingWritten();
    }

    [Fact]
    public async Task A_file_without_a_valid_digest_is_refused()
    {
        var listing = Listing(File("ok.txt") with { Digest = "sha256:not-hex" });

        var e = await Assert.ThrowsAsync<InvalidDataException>(() => MaterializeAsync(listing));

        Assert.Contains("ok.txt", e.Message, StringComparison.Ordinal);
        AssertNothingWritten();
    }

    [Fact]
    public async Task A_symlink_pointing_outside_is_written_as_a_link_and_never_followed()
    {
        // a context may hold such a link (COPY copies the link itself); writing it is contained
        var listing = Listing(Link("abs", "/etc/passwd"), Link("rel", "../../outside"), File("after.txt"));

        await MaterializeAsync(listing);

        Assert.Equal("/etc/passwd", new FileInfo(Path.Combine(Target, "abs")).LinkTarget);
        Assert.Equal("../../outside", new FileInfo(Path.Combine(Target, "rel")).LinkTarget);
        Assert.Equal(Secret, System.IO.File.ReadAllText(Path.Combine(Target, "after.txt")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Outside));
    }

    [Fact]
    public async Task A_listing_of_a_real_context_comes_back_with_contents_links_and_modes()
    {
        var source = Path.Combine(_root, "context");
        Directory.CreateDirectory(Path.Combine(source, "src", "sub"));
        System.IO.File.WriteAllText(Path.Combine(source, "src", "a.txt"), "alpha\n");
        System.IO.File.WriteAllText(Path.Combine(source, "src", "sub", "run.sh"), "#!/bin/sh\necho run\n");
        System.IO.File.SetUnixFileMode(Path.Combine(source, "src", "sub", "run.sh"), (UnixFileMode)Convert.ToInt32("750", 8));
        System.IO.File.CreateSymbolicLink(Path.Combine(source, "src", "link"), "a.txt");
        using var context = new BuildContext(source, null, Img.Engine.Context.Ignore.ContextFilter.Load(source, null), null);
        var listing = await ContextListingBuilder.BuildAsync(context, [new ContentSelection("src", [], [], FollowSymlinks: false, AllowWildcard: false)], CancellationToken.None);
        // the client's files, as the node would fetch them by digest
        var sourceStore = new LocalContentStore(Path.Combine(_root, "client-content"));
        foreach (var entry in listing.Entries.Where(e => e.Type == ArchiveEntryType.RegularFile))
            await sourceStore.WriteBlobAsync(await System.IO.File.ReadAllBytesAsync(Path.Combine(source, entry.Path)));
        var fetched = new List<string>();

        await ContextMaterializer.MaterializeAsync(ContextListingDocument.Parse(listing.ToBytes()), _store, async (missing, ct) =>
        {
            foreach (var d in missing)
            {
                fetched.Add(d.Digest);
                await using var reader = await sourceStore.OpenAsync(d, ct);
                await _store.WriteBlobAsync(reader.Stream, d, ct);
            }
        }, Target, CancellationToken.None);

        Assert.Equal(2, fetched.Count);
        Assert.Equal("alpha\n", System.IO.File.ReadAllText(Path.Combine(Target, "src", "a.txt")));
        Assert.Equal("#!/bin/sh\necho run\n", System.IO.File.ReadAllText(Path.Combine(Target, "src", "sub", "run.sh")));
        Assert.Equal((UnixFileMode)Convert.ToInt32("750", 8), System.IO.File.GetUnixFileMode(Path.Combine(Target, "src", "sub", "run.sh")));
        Assert.Equal("a.txt", new FileInfo(Path.Combine(Target, "src", "link")).LinkTarget);
    }

    private async Task MaterializeAsync(ContextListingDocument listing)
    {
        // the files' bytes are already here: nothing to fetch, so a refusal can only come from the paths
        await _store.WriteBlobAsync(Encoding.UTF8.GetBytes(Secret));
        // the listing crosses the wire as JSON: refusals must hold for what a peer can send
        var received = ContextListingDocument.Parse(listing.ToBytes());
        await ContextMaterializer.MaterializeAsync(received, _store,
            (missing, _) => Task.FromException(new InvalidOperationException($"nothing should be missing: {string.Join(", ", missing.Select(m => m.Digest))}")),
            Target, CancellationToken.None);
    }

    private void AssertNothingWritten()
    {
        Assert.Empty(Directory.EnumerateFileSystemEntries(Outside));
        Assert.False(System.IO.File.Exists(Path.Combine(_root, "evil.txt")));
        Assert.False(System.IO.File.Exists("/etc/evil.txt"));
        Assert.False(System.IO.File.Exists("/outside/evil.txt"));
        // every path is judged before the first write
        Assert.True(!Directory.Exists(Target) || !Directory.EnumerateFileSystemEntries(Target).Any(),
            $"the target holds {string.Join(", ", Directory.Exists(Target) ? Directory.EnumerateFileSystemEntries(Target, "*", SearchOption.AllDirectories) : [])}");
    }

    private static ContextListingDocument Listing(params ContextFileEntry[] entries) => new() { Entries = entries };

    private static ContextFileEntry Dir(string path) =>
        new(path, ArchiveEntryType.Directory, 0x1ED, 0, 0, 0, 0, null, null);

    private static ContextFileEntry Link(string path, string target) =>
        new(path, ArchiveEntryType.SymbolicLink, 0x1FF, 0, 0, 0, 0, target, null);

    // every file holds the same bytes (Secret's digest): what matters here is where it would land
    private static ContextFileEntry File(string path) =>
        new(path, ArchiveEntryType.RegularFile, 0x1A4, 0, 0, Encoding.UTF8.GetByteCount(Secret), 0, null, DigestOf(Secret));

    private static string DigestOf(string text) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
