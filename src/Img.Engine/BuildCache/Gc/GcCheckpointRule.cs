using System.Text.Json.Serialization;

namespace Img.Engine.BuildCache.Gc;

/// <summary>One rule's state after a gc run (see <see cref="GcRuleOutcome"/>).</summary>
public sealed record GcCheckpointRule(
    [property: JsonPropertyName("exhausted")] bool Exhausted,
    [property: JsonPropertyName("nextEligible")] DateTimeOffset NextEligible);
