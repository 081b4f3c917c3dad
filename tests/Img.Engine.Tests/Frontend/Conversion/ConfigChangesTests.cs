using Img.Engine.Frontend.Dockerfile.Conversion;
using Img.Engine.Oci;
using Xunit;

namespace Img.Engine.Tests.Frontend.Conversion;

/// <summary><c>img import --change</c>: Dockerfile instructions through the converter's dispatcher, as docker applies them.</summary>
public sealed class ConfigChangesTests
{
    [Fact]
    public void Config_changes_follow_the_dockerfile_instructions()
    {
        var config = ConfigChanges.Apply(new ContainerConfig(), [
            "CMD [\"/bin/sh\", \"-c\", \"echo hi\"]", "ENTRYPOINT /init", "ENV A=1 B=\"two words\"", "ENV A=3",
            "EXPOSE 80 53/udp", "LABEL x=y", "USER 1000", "WORKDIR /app", "VOLUME /data", "STOPSIGNAL SIGTERM",
        ]);
        Assert.Equal(["/bin/sh", "-c", "echo hi"], config.Cmd);
        Assert.Equal(["/bin/sh", "-c", "/init"], config.Entrypoint);
        Assert.Equal(["A=3", "B=two words"], config.Env);
        Assert.Equal(["53/udp", "80/tcp"], config.ExposedPorts!.Keys.Order());
        Assert.Equal("y", config.Labels!["x"]);
        Assert.Equal("1000", config.User);
        Assert.Equal("/app", config.WorkingDir);
        Assert.Contains("/data", config.Volumes!.Keys);
        Assert.Equal("SIGTERM", config.StopSignal);
        Assert.False(config.ArgsEscaped);
    }

    [Fact]
    public void Only_the_instructions_docker_allows_are_changes()
    {
        var e = Assert.Throws<FormatException>(() => ConfigChanges.Apply(new ContainerConfig(), ["RUN echo"]));
        Assert.Equal("RUN is not a valid change command", e.Message);
        Assert.Throws<FormatException>(() => ConfigChanges.Apply(new ContainerConfig(), ["FROM scratch"]));
        Assert.Throws<FormatException>(() => ConfigChanges.Apply(new ContainerConfig(), ["CMD a\nCMD b"]));
    }

    [Fact]
    public void Words_expand_with_the_config_env_and_workdir_is_relative_to_the_last()
    {
        var config = ConfigChanges.Apply(new ContainerConfig { Env = ["BASE=/srv"] }, [
            "ENV APP=$BASE/app", "WORKDIR $APP", "WORKDIR data", "LABEL where=${APP}", "USER '$literal'",
        ]);
        Assert.Equal(["BASE=/srv", "APP=/srv/app"], config.Env);
        Assert.Equal("/srv/app/data", config.WorkingDir);
        Assert.Equal("/srv/app", config.Labels!["where"]);
        Assert.Equal("$literal", config.User);
    }

    [Fact]
    public void Invalid_values_are_rejected_like_in_a_dockerfile()
    {
        Assert.Throws<FormatException>(() => ConfigChanges.Apply(new ContainerConfig(), ["EXPOSE 80/nope"]));
        Assert.Throws<FormatException>(() => ConfigChanges.Apply(new ContainerConfig(), ["STOPSIGNAL NOSUCHSIG"]));
        Assert.Throws<FormatException>(() => ConfigChanges.Apply(new ContainerConfig(), ["ENV"]));
    }

    [Fact]
    public void Healthcheck_ports_ranges_and_onbuild_are_applied()
    {
        var config = ConfigChanges.Apply(new ContainerConfig(), [
            "HEALTHCHECK --interval=5s CMD true", "EXPOSE 8000-8001", "ONBUILD RUN echo built",
        ]);
        Assert.Equal(["CMD-SHELL", "true"], config.Healthcheck!.Test);
        Assert.Equal(5_000_000_000L, config.Healthcheck.Interval);
        Assert.Equal(["8000/tcp", "8001/tcp"], config.ExposedPorts!.Keys.Order());
        Assert.Equal(["RUN echo built"], config.OnBuild);
    }
}
