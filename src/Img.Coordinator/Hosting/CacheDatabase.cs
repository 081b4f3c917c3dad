namespace Img.Coordinator.Hosting;

/// <summary>Where vertex entities persist cache records.</summary>
public enum CacheDatabase
{
    /// <summary><c>&lt;state&gt;/cache/cache.db</c> (hocon/persistence-sqlite.conf).</summary>
    Sqlite,
    /// <summary>A PostgreSQL server (hocon/persistence-postgres.conf), for clusters.</summary>
    Postgres,
}
