namespace Img.Engine.BuildCache.Gc;

/// <param name="Exhausted">Nothing is left that the rule could remove now (only its space limit could not be reached).</param>
/// <param name="NextEligible">The earliest time an entry kept now becomes old enough for the rule.</param>
public sealed record GcRuleOutcome(bool Exhausted, DateTimeOffset NextEligible);
