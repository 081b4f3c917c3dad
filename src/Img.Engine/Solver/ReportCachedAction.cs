using Img.Engine.Graph;

namespace Img.Engine.Solver;

/// <summary>
/// Report the vertex as cached (progress shows CACHED): its result came from the cache, or it
/// never has to run because everything reading it did. Returned once per vertex; those returned
/// by one call come in graph order (inputs first) and before the call's other actions.
/// </summary>
public sealed record ReportCachedAction(OpDigest Vertex) : SchedulerAction;
