using Img.Engine.Oci;
using Img.Engine.Worker.Export;
using Xunit;

namespace Img.Engine.Tests.Worker;

/// <summary>BuildKit's history/layer reconciliation rules, without a worker.</summary>
public sealed class HistoryNormalizerTests
{
    private static readonly DateTimeOffset T0 = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static ExportedLayer Layer(string name, int minutes, string diffId = "sha256:aa") =>
        new(new Descriptor { Digest = "sha256:" + name.PadLeft(64, '0'), MediaType = MediaTypes.OciLayerGzip }, diffId, "step " + name, T0.AddMinutes(minutes));

    private static HistoryEntry Entry(string by, bool empty = false, DateTimeOffset? created = null) =>
        new() { CreatedBy = by, EmptyLayer = empty, Created = created };

    [Fact]
    public void Layers_without_history_get_entries_from_their_steps()
    {
        var (layers, history) = HistoryNormalizer.Normalize([Entry("base", created: T0)], [Layer("1", 0), Layer("2", 5)], null);
        Assert.Equal(2, layers.Count);
        Assert.Equal(["base", "step 2"], history.Select(h => h.CreatedBy));
        Assert.Equal(HistoryNormalizer.ExporterComment, history[1].Comment);
        Assert.Equal(T0.AddMinutes(5), history[1].Created);
    }

    [Fact]
    public void Extra_history_entries_become_empty_from_the_top()
    {
        var (_, history) = HistoryNormalizer.Normalize([Entry("a"), Entry("b"), Entry("c")], [Layer("1", 1)], null);
        Assert.Equal([false, true, true], history.Select(h => h.EmptyLayer));
    }

    [Fact]
    public void Empty_layers_are_kept_with_their_entries_not_empty()
    {
        // BuildKit >= 0.10 (and dockerd 20.10's BuildKit) keep a layer that changes nothing.
        var empty = Layer("2", 2, EmptyLayers.EmptyTarDiffId);
        var (layers, history) = HistoryNormalizer.Normalize([Entry("base"), Entry("RUN true"), Entry("RUN x")],
            [Layer("1", 1), empty, Layer("3", 3)], null);
        Assert.Equal(["step 1", "step 2", "step 3"], layers.Select(l => l.Description));
        Assert.Equal([false, false, false], history.Select(h => h.EmptyLayer));
        Assert.Equal(T0.AddMinutes(2), history[1].Created);
    }

    [Fact]
    public void Times_are_filled_from_layers_then_neighbours_and_clamped_to_the_epoch()
    {
        var (_, history) = HistoryNormalizer.Normalize(
            [Entry("base", created: T0), Entry("ENV", empty: true), Entry("RUN"), Entry("LABEL", empty: true)],
            [Layer("1", 0), Layer("2", 10)], null);
        Assert.Equal([T0, T0.AddMinutes(10), T0.AddMinutes(10), T0.AddMinutes(10)], history.Select(h => h.Created!.Value));

        var epoch = T0.AddMinutes(1);
        var (_, clamped) = HistoryNormalizer.Normalize([Entry("base", created: T0), Entry("RUN")], [Layer("1", 0), Layer("2", 10)], epoch);
        Assert.Equal([T0, epoch], clamped.Select(h => h.Created!.Value));
    }
}
