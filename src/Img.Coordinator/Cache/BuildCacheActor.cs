using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using Img.Engine.Solver;
using Img.Messages.Cache.Queries;
using Img.Messages.Vertices.Events;

namespace Img.Coordinator.Cache;

/// <summary>
/// Answers <see cref="ListCacheRecords"/> with every key's current record, read with
/// Akka.Persistence.Query from the journal the vertex entities write (each key's last
/// <see cref="VertexRecorded"/> that was not deleted). Thin: the query runs as a stream and its
/// result is piped back, so the actor stays responsive.
/// </summary>
public sealed class BuildCacheActor : UntypedActor
{
    /// <summary>The actor's name under <c>/user</c>.</summary>
    public const string Name = "build-cache";

    private readonly string _readJournalId;
    private ActorMaterializer? _materializer;

    public BuildCacheActor(string readJournalId)
    {
        _readJournalId = readJournalId;
    }

    /// <param name="readJournalId">The HOCON path of a read journal that supports current persistence ids and current events by id.</param>
    public static Props Props(string readJournalId) => Akka.Actor.Props.Create(() => new BuildCacheActor(readJournalId));

    protected override void PreStart() => _materializer = Context.Materializer();

    protected override void PostStop() => _materializer?.Dispose();

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case ListCacheRecords:
                ListAsync().PipeTo(Sender, failure: e => new CacheRecordsResult([], "reading the cache journal: " + (e.InnerException ?? e).Message));
                break;
            case CountCacheRecords:
                CountAsync().PipeTo(Sender, failure: e => new CacheRecordsCounted(-1, "reading the cache journal: " + (e.InnerException ?? e).Message));
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private async Task<CacheRecordsResult> ListAsync()
    {
        var journal = PersistenceQuery.Get(Context.System).ReadJournalFor<IReadJournal>(_readJournalId);
        if (journal is ICurrentAllEventsQuery all)
            return await ListInOneQueryAsync(all, _materializer!).ConfigureAwait(false);
        var ids = (ICurrentPersistenceIdsQuery)journal;
        var events = (ICurrentEventsByPersistenceIdQuery)journal;
        var materializer = _materializer!;
        var records = await ids.CurrentPersistenceIds()
            .Where(id => id.StartsWith(VertexPersistence.IdPrefix, StringComparison.Ordinal))
            .SelectAsync(4, async id =>
            {
                // the last event is the key's current record (a --no-cache rebuild appends one)
                var last = await events.CurrentEventsByPersistenceId(id, 0, long.MaxValue)
                    .RunWith(Sink.LastOrDefault<EventEnvelope>(), materializer).ConfigureAwait(false);
                return last?.Event is VertexRecorded recorded
                    ? new CacheRecord(recorded.Key, recorded.Result, ToUnixMs(last.Timestamp))
                    : null;
            })
            .Where(r => r is not null)
            .RunAggregate(new List<CacheRecord>(), (list, r) =>
            {
                list.Add(r!);
                return list;
            }, materializer).ConfigureAwait(false);
        return new CacheRecordsResult(records, "");
    }

    /// <summary>
    /// Every record in one pass over the journal (one query however many keys: on PostgreSQL a
    /// query per key costs a round trip each); a key's last event is its current record.
    /// </summary>
    private static async Task<CacheRecordsResult> ListInOneQueryAsync(ICurrentAllEventsQuery journal, ActorMaterializer materializer)
    {
        var last = await journal.CurrentAllEvents(Offset.NoOffset())
            .Where(e => e.PersistenceId.StartsWith(VertexPersistence.IdPrefix, StringComparison.Ordinal))
            .RunAggregate(new Dictionary<string, EventEnvelope>(StringComparer.Ordinal), (byId, e) =>
            {
                byId[e.PersistenceId] = e;
                return byId;
            }, materializer).ConfigureAwait(false);
        var records = last.Values
            .OrderBy(e => e.Offset)
            .Where(e => e.Event is VertexRecorded)
            .Select(e => new CacheRecord(((VertexRecorded)e.Event).Key, ((VertexRecorded)e.Event).Result, ToUnixMs(e.Timestamp)))
            .ToList();
        return new CacheRecordsResult(records, "");
    }

    private async Task<CacheRecordsCounted> CountAsync()
    {
        var journal = PersistenceQuery.Get(Context.System).ReadJournalFor<IReadJournal>(_readJournalId);
        var count = await ((ICurrentPersistenceIdsQuery)journal).CurrentPersistenceIds()
            .Where(id => id.StartsWith(VertexPersistence.IdPrefix, StringComparison.Ordinal))
            .RunAggregate(0L, (n, _) => n + 1, _materializer!).ConfigureAwait(false);
        return new CacheRecordsCounted(count, "");
    }

    /// <summary>
    /// Akka.Persistence.Sql stores a row's time as <see cref="DateTime.Ticks"/> (UTC); journals that
    /// store Unix milliseconds give numbers far below any tick count of this century.
    /// </summary>
    private static long ToUnixMs(long timestamp) =>
        timestamp > DateTime.UnixEpoch.Ticks
            ? (timestamp - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMillisecond
            : timestamp;
}
