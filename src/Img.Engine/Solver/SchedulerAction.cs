namespace Img.Engine.Solver;

/// <summary>
/// What <see cref="BuildState"/> asks its driver (the build coordinator) to do next:
/// <see cref="ProbeCacheAction"/>, <see cref="RunVertexAction"/>, <see cref="ReportCachedAction"/>, <see cref="BuildSucceededAction"/>
/// or <see cref="BuildFailedAction"/>.
/// </summary>
public abstract record SchedulerAction;
