using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using Akka.Persistence;
using Akka.Persistence.Sql;
using Img.Engine.Solver;
using Img.Engine.State;
using Img.Messages.Hosting;
using Img.Messages.Vertices.Events;

namespace Img.Coordinator.Hosting;

/// <summary>
/// Where and how vertex entities persist cache records: the coordinator's share of the actor
/// system's configuration (<see cref="ImgActorSystemOptions.RoleConfig"/>): persistence-sqlite.conf
/// on <c>&lt;state&gt;/cache/cache.db</c>, or persistence-postgres.conf on a server.
/// </summary>
public static class CachePersistence
{
    /// <summary>The read journal over the cache journal (Akka.Persistence.Query), for listing records.</summary>
    public const string ReadJournalId = "akka.persistence.query.journal.sql";

    /// <summary>The SQLite cache database inside the state directory.</summary>
    public static string DatabasePath(StateDirectory state) => Path.Combine(state.CacheRoot, "cache.db");

    /// <summary>The persistence configuration; creates the cache directory for SQLite.</summary>
    /// <param name="postgres">The connection string, for <see cref="CacheDatabase.Postgres"/>.</param>
    public static Config Config(StateDirectory state, CacheDatabase database = CacheDatabase.Sqlite, string? postgres = null)
    {
        var overrides = new List<string>();
        switch (database)
        {
            case CacheDatabase.Sqlite:
                Directory.CreateDirectory(state.CacheRoot);
                var db = DatabasePath(state);
                var isNew = !File.Exists(db) || new FileInfo(db).Length == 0;
                overrides.Add($"akka.persistence.journal.sql.connection-string = {Quote("Data Source=" + db)}");
                overrides.Add($"akka.persistence.query.journal.sql.connection-string = {Quote("Data Source=" + db)}");
                // creating tables costs a round of DDL on every start: only when the file is new
                overrides.Add($"akka.persistence.journal.sql.auto-initialize = {(isNew ? "on" : "off")}");
                break;
            case CacheDatabase.Postgres:
                if (string.IsNullOrEmpty(postgres))
                    throw new ArgumentException("a PostgreSQL cache needs a connection string", nameof(postgres));
                overrides.Add($"akka.persistence.journal.sql.connection-string = {Quote(postgres)}");
                overrides.Add($"akka.persistence.query.journal.sql.connection-string = {Quote(postgres)}");
                break;
        }
        return ConfigurationFactory.ParseString(string.Join("\n", overrides))
            .WithFallback(ConfigurationFactory.ParseString(ImgActorSystem.ReadHocon(database == CacheDatabase.Postgres ? "persistence-postgres.conf" : "persistence-sqlite.conf")))
            // the plugin's reference.conf (class names and defaults) is not loaded on its own
            .WithFallback(SqlPersistence.DefaultConfiguration);
    }

    /// <summary>
    /// Starts the journal and runs one recovery query of an unused persistence id, so the
    /// plugin's start-up (connection, query compilation, JIT) overlaps with whatever the caller
    /// does before its first build instead of delaying the first cache lookup. The answers go
    /// nowhere.
    /// </summary>
    public static void WarmUp(ActorSystem system) => _ = Task.Run(() =>
    {
        try
        {
            var journal = Persistence.Instance.Apply(system).JournalFor(null);
            journal.Tell(new ReplayMessages(1, long.MaxValue, 1, "img-journal-warm-up", ActorRefs.Nobody));
            // meanwhile: the serializer's formatters, which recovery needs next
            var sample = new VertexRecorded(new CacheKey("sha256:" + new string('0', 64)), new CacheResult("warm-up"));
            var serializer = system.Serialization.FindSerializerFor(sample);
            serializer.FromBinary(serializer.ToBinary(sample), typeof(VertexRecorded));
        }
        catch (Exception e)
        {
            system.Log.Warning(e, "could not warm up the cache journal");
        }
    });

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
