using Img.Messages.Nodes.Commands;

namespace Img.Coordinator.Scheduling;

/// <summary>Send <see cref="Run"/> (with its inputs' holders filled in) to the worker of <see cref="Node"/>.</summary>
public sealed record DispatchAction(string Worker, string Node, RunVertex Run) : SchedulerDecision;
