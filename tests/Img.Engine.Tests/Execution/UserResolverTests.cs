using Img.Engine.Execution;
using Img.Engine.Tests.Snapshots;
using Xunit;

namespace Img.Engine.Tests.Execution;

/// <summary>USER values resolved against a rootfs's passwd and group files, as BuildKit's oci.GetUser.</summary>
public sealed class UserResolverTests : IDisposable
{
    private readonly TestDirectory _root = new("img-user");

    public UserResolverTests()
    {
        Directory.CreateDirectory(Path.Join(_root.Path, "etc"));
        File.WriteAllText(Path.Join(_root.Path, "etc/passwd"), "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n");
        File.WriteAllText(Path.Join(_root.Path, "etc/group"), "root:x:0:\napp:x:1000:\nextra:x:1001:app\n");
    }

    public void Dispose() => _root.Dispose();

    [Fact]
    public void A_lone_uid_without_a_passwd_entry_runs_as_gid_0()
    {
        // buildkitd v0.11.6 ran USER 4321 as "uid=4321 gid=0(root)" (the harness's
        // user-numeric-nopasswd case); img made the uid the gid as well.
        var user = UserResolver.Resolve(_root.Path, "4321");
        Assert.Equal((4321u, 0u), (user.Uid, user.Gid));
        Assert.Equal([0u], user.AdditionalGids);
    }

    [Fact]
    public void A_lone_uid_with_a_passwd_entry_takes_its_gid_and_groups()
    {
        var user = UserResolver.Resolve(_root.Path, "1000");
        Assert.Equal((1000u, 1000u, "/home/app"), (user.Uid, user.Gid, user.Home));
        Assert.Equal([1000u, 1001u], user.AdditionalGids);
    }

    [Fact]
    public void Uid_and_gid_need_no_passwd_entry()
    {
        var user = UserResolver.Resolve(_root.Path, "1234:5678");
        Assert.Equal((1234u, 5678u), (user.Uid, user.Gid));
        Assert.Equal([5678u], user.AdditionalGids);
    }
}
