using Img.Engine.Oci;
using Img.Engine.RemoteCache;
using Img.Engine.Solver;
using Xunit;
using static Img.Engine.Tests.RemoteCache.CacheDescriptionTests;

namespace Img.Engine.Tests.RemoteCache;

/// <summary>How a build's imported caches answer lookups.</summary>
public sealed class CacheImportsTests
{
    private static readonly Descriptor Blob = new() { MediaType = CacheDescription.MediaTypeV1, Digest = "sha256:" + new string('c', 64), Size = 100 };

    [Fact]
    public void The_first_source_with_the_key_answers_with_a_result_naming_its_record()
    {
        var first = new ImportedCache("registry:reg/first", Blob, Sample().Where(r => r.Key != Key("from")));
        var second = new ImportedCache("local:/cache", Blob with { Digest = "sha256:" + new string('d', 64) }, Sample());
        var imports = new CacheImports([first, second]);

        var run = imports.Find(new CacheKey(Key("run")))!;
        Assert.Equal("", run.SnapshotId);
        Assert.Equal("", run.Location);
        Assert.Equal(new ImportedResult("registry:reg/first", Blob, new CacheKey(Key("run"))), run.Imported);
        Assert.Equal("local:/cache", imports.Find(new CacheKey(Key("from")))!.Imported!.Source);
        Assert.NotNull(imports.Find(new CacheKey(Key("export")))!.Image);
        Assert.Null(imports.Find(new CacheKey(Key("unknown"))));

        var (description, record) = imports.RecordOf(run.Imported!)!.Value;
        Assert.Equal(Key("run"), record.Key);
        Assert.Same(first.Description, description);
    }

    [Fact]
    public void A_forgotten_key_misses_in_every_source()
    {
        var imports = new CacheImports([new ImportedCache("registry:reg/a", Blob, Sample()), new ImportedCache("registry:reg/b", Blob, Sample())]);
        imports.Forget(new CacheKey(Key("run")));
        Assert.Null(imports.Find(new CacheKey(Key("run"))));
        Assert.NotNull(imports.Find(new CacheKey(Key("from"))));
    }

    [Fact]
    public void An_inline_caches_own_image_record_never_answers_unread()
    {
        var description = new CacheDescriptionBuilder().AddImage(Key("export"), [], null).Build();
        Assert.True(description.Records[0].CarrierImage);
        Assert.Null(new CacheImports([new ImportedCache("registry:reg/app", Blob, description)]).Find(new CacheKey(Key("export"))));
    }

    [Theory]
    [InlineData("registry:127.0.0.1:5000/team/cache", CacheLocationKind.Registry, "127.0.0.1:5000", "team/cache")]
    [InlineData("local:/var/cache/img", CacheLocationKind.Local, "", "")]
    public void Cache_locations_read_back_as_written(string text, CacheLocationKind kind, string registry, string repository)
    {
        var location = CacheLocation.Parse(text);
        Assert.Equal((kind, registry, repository), (location.Kind, location.Registry, location.Repository));
        Assert.Equal(text, location.ToString());
    }

    [Theory]
    [InlineData("registry:nohost")]
    [InlineData("local:relative/dir")]
    [InlineData("s3:bucket")]
    public void Other_locations_are_refused(string text) => Assert.Throws<FormatException>(() => CacheLocation.Parse(text));
}
