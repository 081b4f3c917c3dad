using Img.Engine.Mounts;
using Xunit;

namespace Img.Engine.Tests.Snapshots;

public sealed class MountTableTests
{
    private const string Sample =
        "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard\n" +
        "31 23 0:28 / /sys/fs/cgroup rw,relatime shared:5 master:1 - tmpfs tmpfs rw,mode=755\n" +
        "36 31 0:33 / /sys/fs/cgroup/devices rw,nosuid,nodev,noexec,relatime - cgroup cgroup rw,devices\n" +
        "37 31 0:34 /docker/abc /sys/fs/cgroup/cpu,cpuacct ro,nosuid - cgroup cgroup rw,cpu,cpuacct\n" +
        "40 27 0:40 / /var/tmp/with\\040space\\134x rw - overlay overlay rw,lowerdir=/a:/b\n" +
        "garbage line\n";

    [Fact]
    public void Parses_fields_optional_tags_and_escapes()
    {
        var table = MountTable.Parse(Sample);
        Assert.Equal(5, table.Count);
        Assert.Equal("/sys/fs/cgroup", table[1].MountPoint);
        Assert.Equal("tmpfs", table[1].FsType);
        Assert.Equal(["rw", "devices"], table[2].SuperOptions);
        Assert.Equal(["rw", "nosuid", "nodev", "noexec", "relatime"], table[2].MountOptions);
        Assert.Equal("/docker/abc", table[3].Root);
        Assert.Equal("/var/tmp/with space\\x", table[4].MountPoint);
    }

    [Fact]
    public void Reads_this_process_table()
    {
        Assert.Contains(MountTable.Read(), m => m.MountPoint == "/");
    }
}
