using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Akka.Event;
using Akka.Persistence;
using Akka.Persistence.Sql;
using Img.Engine.Solver;
using Img.Engine.State;
using Img.Messages.Vertices.Events;

namespace Img.Coordinator.Hosting;

/// <summary>
/// Creates img's actor system from the HOCON files in <c>hocon/</c> (embedded in this assembly,
/// so a published binary works from any directory): the mode file (standalone.conf or
/// cluster.conf), the persistence file (persistence-sqlite.conf or persistence-postgres.conf) and
/// serialization.conf, with the values only known at run time (database path, address, seeds,
/// roles) laid on top.
/// </summary>
public static class ImgActorSystem
{
    /// <summary>The SQLite cache database inside the state directory.</summary>
    public static string CacheDatabasePath(StateDirectory state) => Path.Combine(state.CacheRoot, "cache.db");

    /// <summary>The read journal over the cache journal (Akka.Persistence.Query), for listing records.</summary>
    public const string ReadJournalId = "akka.persistence.query.journal.sql";

    /// <summary>One of the embedded HOCON files, by file name (<c>standalone.conf</c>).</summary>
    public static string ReadHocon(string fileName)
    {
        using var stream = typeof(ImgActorSystem).Assembly.GetManifestResourceStream("img.hocon." + fileName)
            ?? throw new FileNotFoundException($"embedded HOCON file {fileName} is missing", fileName);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>The full configuration for <paramref name="mode"/>; creates the cache directory.</summary>
    public static Config LoadConfig(ImgMode mode, StateDirectory state, ImgActorSystemOptions options)
    {
        var overrides = new List<string>();
        switch (options.Cache)
        {
            case CacheDatabase.Sqlite:
                Directory.CreateDirectory(state.CacheRoot);
                var db = CacheDatabasePath(state);
                var isNew = !File.Exists(db) || new FileInfo(db).Length == 0;
                overrides.Add($"akka.persistence.journal.sql.connection-string = {Quote("Data Source=" + db)}");
                overrides.Add($"akka.persistence.query.journal.sql.connection-string = {Quote("Data Source=" + db)}");
                // creating tables costs a round of DDL on every start: only when the file is new
                overrides.Add($"akka.persistence.journal.sql.auto-initialize = {(isNew ? "on" : "off")}");
                break;
            case CacheDatabase.Postgres:
                if (string.IsNullOrEmpty(options.PostgresConnectionString))
                    throw new ArgumentException("a PostgreSQL cache needs a connection string", nameof(options));
                overrides.Add($"akka.persistence.journal.sql.connection-string = {Quote(options.PostgresConnectionString)}");
                overrides.Add($"akka.persistence.query.journal.sql.connection-string = {Quote(options.PostgresConnectionString)}");
                break;
        }
        if (mode == ImgMode.Cluster)
        {
            overrides.Add($"akka.remote.dot-netty.tcp.hostname = {Quote(options.Hostname)}");
            overrides.Add($"akka.remote.dot-netty.tcp.port = {options.Port}");
            overrides.Add($"akka.cluster.roles = [{string.Join(", ", options.Roles.Select(Quote))}]");
            var seeds = options.SeedNodes.Select(s => Quote(SeedAddress(options.SystemName, s)));
            overrides.Add($"akka.cluster.seed-nodes = [{string.Join(", ", seeds)}]");
        }

        var config = ConfigurationFactory.ParseString(string.Join("\n", overrides));
        if (!string.IsNullOrWhiteSpace(options.ExtraHocon))
            config = ConfigurationFactory.ParseString(options.ExtraHocon).WithFallback(config);
        return config
            .WithFallback(ConfigurationFactory.ParseString(ReadHocon(mode == ImgMode.Cluster ? "cluster.conf" : "standalone.conf")))
            .WithFallback(ConfigurationFactory.ParseString(ReadHocon(options.Cache == CacheDatabase.Postgres ? "persistence-postgres.conf" : "persistence-sqlite.conf")))
            .WithFallback(ConfigurationFactory.ParseString(ReadHocon("serialization.conf")))
            // the plugin's reference.conf (class names and defaults) is not loaded on its own
            .WithFallback(SqlPersistence.DefaultConfiguration);
    }

    /// <summary>
    /// Creates the actor system. In cluster mode it returns once this member is up (joining its
    /// seeds, or itself when it has none). The journal starts in the background
    /// (<see cref="ImgActorSystemOptions.WarmUpJournal"/>), so the first lookup finds it ready.
    /// </summary>
    public static async Task<ActorSystem> CreateAsync(ImgMode mode, StateDirectory state, ImgActorSystemOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new ImgActorSystemOptions();
        var config = LoadConfig(mode, state, options);
        var system = ActorSystem.Create(options.SystemName, config);
        if (options.WarmUpJournal)
            _ = Task.Run(() => WarmUpJournal(system), CancellationToken.None);
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

    /// <summary>
    /// Starts the journal and runs one recovery query of an unused persistence id, so the
    /// plugin's start-up (connection, query compilation, JIT) overlaps with whatever the caller
    /// does before its first build instead of delaying the first cache lookup. The answers go
    /// nowhere.
    /// </summary>
    private static void WarmUpJournal(ActorSystem system)
    {
        try
        {
            var journal = Persistence.Instance.Apply(system).JournalFor(null);
            journal.Tell(new ReplayMessages(1, long.MaxValue, 1, "img-journal-warm-up", ActorRefs.Nobody));
            // meanwhile: the serializer's generated formatters, which recovery needs next
            var sample = new VertexRecorded(new CacheKey("sha256:" + new string('0', 64)), new CacheResult("warm-up"));
            var serializer = system.Serialization.FindSerializerFor(sample);
            serializer.FromBinary(serializer.ToBinary(sample), typeof(VertexRecorded));
        }
        catch (Exception e)
        {
            system.Log.Warning(e, "could not warm up the cache journal");
        }
    }

    private static string SeedAddress(string systemName, string seed) =>
        seed.Contains("://", StringComparison.Ordinal) ? seed : $"akka.tcp://{systemName}@{seed}";

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
