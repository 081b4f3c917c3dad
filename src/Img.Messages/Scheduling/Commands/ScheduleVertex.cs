using Img.Engine.Solver;
using Img.Messages.Nodes.Commands;
using Img.Messages.Vertices;
using MessagePack;

namespace Img.Messages.Scheduling.Commands;

/// <summary>
/// A vertex entity asks its coordinator's scheduler to run <see cref="Run"/> on a free slot
/// (locality first, then load, builds taking turns). The scheduler fills in where the inputs can
/// be fetched. Sending it again for a key the scheduler already placed does nothing.
/// </summary>
[MessagePackObject]
public sealed record ScheduleVertex([property: Key(0)] RunVertex Run) : ISchedulingCommand, IWithCacheKey
{
    [IgnoreMember]
    public CacheKey Key => Run.Key;
}
