using Img.Messages.Nodes.Commands;

namespace Img.Coordinator.Scheduling;

/// <summary><see cref="Run"/> waited <see cref="SchedulerState.NoNodeTimeout"/> while no node could take work: its entity is told, and the build fails.</summary>
public sealed record NoNodeAction(RunVertex Run) : SchedulerDecision;
