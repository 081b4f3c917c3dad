namespace Img.Coordinator.Scheduling;

/// <summary>What <see cref="SchedulerState"/> asks its actor to do: <see cref="DispatchAction"/> or <see cref="InputsLostAction"/>.</summary>
public abstract record SchedulerDecision;
