namespace Img.Engine.Solver;

/// <summary>The target is done; the build is over.</summary>
public sealed record BuildSucceededAction(CacheResult Target) : SchedulerAction;
