using Img.Engine.State;
using Xunit;

namespace Img.Engine.Tests.State;

public class StateDirectoryTests
{
    private static Func<string, string?> Env(params (string Key, string Value)[] values) =>
        key => values.FirstOrDefault(v => v.Key == key).Value;

    [Fact]
    public void Flag_wins_over_everything() =>
        Assert.Equal("/tmp/flag", StateDirectory.Resolve("/tmp/flag", Env(("IMG_STATE", "/tmp/env")), 0, "/root").Root);

    [Fact]
    public void Environment_wins_over_defaults() =>
        Assert.Equal("/tmp/env", StateDirectory.Resolve(null, Env(("IMG_STATE", "/tmp/env")), 1000, "/home/u").Root);

    [Fact]
    public void Root_uses_var_lib_img() =>
        Assert.Equal("/var/lib/img", StateDirectory.Resolve(null, Env(("XDG_DATA_HOME", "/x")), 0, "/root").Root);

    [Fact]
    public void User_uses_xdg_data_home_then_home()
    {
        Assert.Equal("/x/img", StateDirectory.Resolve(null, Env(("XDG_DATA_HOME", "/x")), 1000, "/home/u").Root);
        Assert.Equal("/home/u/.local/share/img", StateDirectory.Resolve(null, Env(), 1000, "/home/u").Root);
        Assert.Equal("/home/u/.local/share/img", StateDirectory.Resolve("", Env(("IMG_STATE", "")), 1000, "/home/u").Root);
    }

    [Fact]
    public void Relative_flag_is_made_absolute()
    {
        var d = StateDirectory.Resolve("rel", Env(), 0, "/root");
        Assert.True(Path.IsPathRooted(d.Root));
        Assert.EndsWith("/rel", d.Root);
    }

    [Fact]
    public void Layout_paths()
    {
        var d = new StateDirectory("/s");
        Assert.Equal("/s/lock", d.LockPath);
        Assert.Equal("/s/content", d.ContentRoot);
        Assert.Equal("/s/images", d.ImagesRoot);
    }
}
