using Img.Messages.Nodes.Commands;

namespace Img.Coordinator.Scheduling;

/// <summary>
/// <see cref="Run"/> cannot be placed: the results at <see cref="Inputs"/> (positions) are held
/// by no live node. Its entity is told, so the build re-runs their producers.
/// </summary>
public sealed record InputsLostAction(RunVertex Run, IReadOnlyList<int> Inputs) : SchedulerDecision;
