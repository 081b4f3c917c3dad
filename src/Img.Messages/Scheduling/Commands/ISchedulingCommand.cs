using MessagePack;

namespace Img.Messages.Scheduling.Commands;

/// <summary>Commands to a coordinator's scheduler. Union tags are append-only.</summary>
[Union(0, typeof(ScheduleVertex))]
public interface ISchedulingCommand : IImgMessage;
