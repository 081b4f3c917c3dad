namespace Img.Engine.Graph;

/// <summary>
/// One <c>--add-host HOST:IP</c> entry: a line <c>IP\tHOST</c> appended to a RUN step's
/// <c>/etc/hosts</c> (BuildKit's <c>pb.HostIP</c> in the exec op's meta).
/// </summary>
public sealed record ExtraHost(string Host, string Address);
