using Img.Messages.Nodes.Commands;

namespace Img.Coordinator.Scheduling;

/// <summary>
/// <see cref="Run"/> waited <see cref="SchedulerState.NoNodeTimeout"/> while no node could take work, or
/// (<see cref="Platform"/> set) while no node runs its platform: its entity is told, and the build fails.
/// </summary>
public sealed record NoNodeAction(RunVertex Run, string? Platform = null) : SchedulerDecision;
