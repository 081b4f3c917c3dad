using Img.Engine.BuildCache.Gc;
using Xunit;

namespace Img.Engine.Tests.BuildCache.Gc;

public sealed class GcConfigFileTests
{
    [Fact]
    public void Reads_buildkitd_toml_spelling_and_ignores_the_rest_of_the_file()
    {
        var config = GcConfigFile.Parse("""
            debug = true
            root = "/var/lib/buildkit"   # not img's

            [worker.oci]
              enabled = true
              gc = true
              gckeepstorage = 9000
              maxUsedSpace = "60%"
              snapshotter = "auto"

            [[worker.oci.gcpolicy]]
              keepBytes = "512MB"
              keepDuration = "48h"
              filters = [ "type==source.local",
                          'type==exec.cachemount' ]
            [[worker.oci.gcpolicy]]
              all = true
              keepDuration = 3600
              reservedSpace = "1GB"
              minFreeSpace = "20%"

            [registry."docker.io"]
              mirrors = ["mirror.example"]
            """, "img.toml");
        Assert.True(config.Enabled);
        Assert.Equal(9000, config.KeepStorage.Bytes);
        Assert.Equal(60, config.MaxUsedSpace.Percentage);
        Assert.Equal(2, config.Policies.Count);
        Assert.Equal(512L << 20, config.Policies[0].ReservedSpace.Bytes); // keepBytes = reservedSpace, binary units as buildkitd
        Assert.Equal(TimeSpan.FromHours(48), config.Policies[0].KeepDuration);
        Assert.Equal(["type==source.local", "type==exec.cachemount"], config.Policies[0].Filters);
        Assert.True(config.Policies[1].All);
        Assert.Equal(TimeSpan.FromHours(1), config.Policies[1].KeepDuration);
        Assert.Equal(1L << 30, config.Policies[1].ReservedSpace.Bytes);
        Assert.Equal(20, config.Policies[1].MinFreeSpace.Percentage);
        Assert.Equal(config.Policies, config.EffectivePolicies(default));
        Assert.False(GcConfigFile.Parse("[worker.oci]\ngc = false\n", "f").Enabled);
    }

    [Theory]
    [InlineData("[worker.oci]\ngc = \"yes\"\n", "img.toml:2: gc must be true or false")]
    [InlineData("[worker.oci]\n\nreservedSpace = \"lots\"\n", "img.toml:3: invalid disk space for reservedSpace: \"lots\"")]
    [InlineData("[[worker.oci.gcpolicy]]\nkeepDuration = \"2 days\"\n", "img.toml:2: invalid duration for keepDuration: \"2 days\"")]
    [InlineData("[[worker.oci.gcpolicy]]\nfilters = [\"colour==red\"]\n", "img.toml:2: invalid filter \"colour==red\": unknown field \"colour\"")]
    [InlineData("[[worker.oci.gcpolicy]]\nkeepbytes = 1\n", "img.toml:2: unknown gcpolicy key keepbytes")]
    [InlineData("[worker.oci.gcpolicy]\nall = true\n", "img.toml:1: gcpolicy is an array of tables")]
    [InlineData("[worker.oci]\ngc = tru\n", "img.toml:2: invalid value tru")]
    [InlineData("[worker.oci\n", "img.toml:1: invalid table header")]
    [InlineData("[worker.oci]\ngc = true\ngc = false\n", "img.toml:3: key gc is defined twice")]
    public void A_bad_file_is_named_with_its_line(string text, string message)
    {
        var e = Assert.Throws<GcConfigException>(() => GcConfigFile.Parse(text, "img.toml"));
        Assert.StartsWith(message, e.Message);
    }

    [Fact]
    public void The_state_directory_file_wins_over_the_users()
    {
        var dir = Directory.CreateTempSubdirectory("img-gcconfig-").FullName;
        var previous = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
        try
        {
            Environment.SetEnvironmentVariable("XDG_CONFIG_HOME", Path.Join(dir, "xdg"));
            var state = Path.Join(dir, "state");
            Directory.CreateDirectory(state);
            Assert.Null(GcConfigFile.Locate(state));
            Assert.Same(GcConfig.Default, GcConfigFile.Load(state));
            Directory.CreateDirectory(Path.Join(dir, "xdg", "img"));
            File.WriteAllText(Path.Join(dir, "xdg", "img", "config.toml"), "[worker.oci]\ngc = false\n");
            Assert.False(GcConfigFile.Load(state).Enabled);
            File.WriteAllText(Path.Join(state, "img.toml"), "[worker.oci]\ngc = true\n");
            Assert.Equal(Path.Join(state, "img.toml"), GcConfigFile.Locate(state));
            Assert.True(GcConfigFile.Load(state).Enabled);
        }
        finally
        {
            Environment.SetEnvironmentVariable("XDG_CONFIG_HOME", previous);
            Directory.Delete(dir, true);
        }
    }
}
