using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Img.Messages.Security;

namespace Img.Messages.Hosting;

/// <summary>
/// Creates img's actor systems, for every process kind (standalone CLI, coordinator, node), from
/// the HOCON files in <c>hocon/</c> (embedded in this assembly, so a published binary works from
/// any directory): the mode file (standalone.conf or cluster.conf) and serialization.conf, with
/// what a role adds (<see cref="ImgActorSystemOptions.RoleConfig"/>: the coordinator's cache
/// persistence) and the values only known at run time (address, seeds, roles) on top; the
/// cluster's remoting (<see cref="ClusterRemoting"/>: TLS or not) goes over everything.
/// </summary>
public static class ImgActorSystem
{
    /// <summary>One of the embedded HOCON files, by file name (<c>standalone.conf</c>).</summary>
    public static string ReadHocon(string fileName)
    {
        using var stream = typeof(ImgActorSystem).Assembly.GetManifestResourceStream("img.hocon." + fileName)
            ?? throw new FileNotFoundException($"embedded HOCON file {fileName} is missing", fileName);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>The full configuration for <paramref name="mode"/>.</summary>
    public static Config LoadConfig(ImgMode mode, ImgActorSystemOptions options)
    {
        var overrides = new List<string>();
        if (mode == ImgMode.Cluster)
        {
            overrides.Add($"akka.remote.dot-netty.tcp.hostname = {Quote(options.Hostname)}");
            overrides.Add($"akka.remote.dot-netty.tcp.port = {options.Port}");
            overrides.Add($"akka.cluster.roles = [{string.Join(", ", options.Roles.Select(Quote))}]");
            var remoting = options.Remoting ?? ClusterRemoting.Insecure();
            remoting.CheckHost(options.Hostname);
            var seeds = options.SeedNodes.Select(s => Quote(remoting.SeedAddress(options.SystemName, s)));
            overrides.Add($"akka.cluster.seed-nodes = [{string.Join(", ", seeds)}]");
        }

        var config = ConfigurationFactory.ParseString(string.Join("\n", overrides));
        if (options.RoleConfig is { } role)
            config = config.WithFallback(role);
        if (!string.IsNullOrWhiteSpace(options.ExtraHocon))
            config = ConfigurationFactory.ParseString(options.ExtraHocon).WithFallback(config);
        return config
            .WithFallback(ConfigurationFactory.ParseString(ReadHocon(mode == ImgMode.Cluster ? "cluster.conf" : "standalone.conf")))
            .WithFallback(ConfigurationFactory.ParseString(ReadHocon("serialization.conf")));
    }

    /// <summary>
    /// Creates the actor system. In cluster mode it returns once this member is up (joining its
    /// seeds, or itself when it has none).
    /// </summary>
    public static async Task<ActorSystem> CreateAsync(ImgMode mode, ImgActorSystemOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new ImgActorSystemOptions();
        var config = LoadConfig(mode, options);
        var system = mode == ImgMode.Cluster
            ? ActorSystem.Create(options.SystemName, (options.Remoting ?? ClusterRemoting.Insecure()).CreateSetup(config))
            : ActorSystem.Create(options.SystemName, config);
        if (mode != ImgMode.Cluster)
            return system;
        try
        {
            var cluster = Cluster.Get(system);
            var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            cluster.RegisterOnMemberUp(() => up.TrySetResult());
            if (options.SeedNodes.Count == 0)
                await cluster.JoinSeedNodesAsync([cluster.SelfAddress], cancellationToken).ConfigureAwait(false);
            await up.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            return system;
        }
        catch
        {
            await system.Terminate().ConfigureAwait(false);
            throw;
        }
    }

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
