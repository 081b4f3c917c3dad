namespace Img.Engine.BuildCache.Gc;

/// <summary>What a gc run removes (children first), the cache total it leaves, and per rule what is left for later runs.</summary>
public sealed record GcPlan(BuildCachePrunePlan Removal, long RemainingSize, IReadOnlyList<GcRuleOutcome> Rules);
