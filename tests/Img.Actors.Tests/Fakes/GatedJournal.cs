using System.Collections.Concurrent;
using System.Collections.Immutable;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Journal;

namespace Img.Actors.Tests.Fakes;

/// <summary>
/// An in-memory journal whose writes wait at a <see cref="JournalGate"/> until the test opens it
/// (or fail, when the test says so): what the specs need to see what happens while a cache
/// record is still being written. The gate and the stored events outlive the actor system, so a
/// second system on the same gate sees what the first wrote.
/// </summary>
internal sealed class GatedJournal : AsyncWriteJournal
{
    private readonly JournalGate _gate;

    public GatedJournal(Config config)
    {
        _gate = JournalGate.Get(config.GetString("gate"));
    }

    /// <summary>HOCON that makes <paramref name="gate"/>'s journal the default one.</summary>
    public static string Hocon(JournalGate gate) => $$"""
        akka.persistence.journal.plugin = "akka.persistence.journal.gated"
        akka.persistence.journal.gated {
          class = "{{typeof(GatedJournal).AssemblyQualifiedName}}"
          plugin-dispatcher = "akka.actor.default-dispatcher"
          gate = "{{gate.Id}}"
          # a write a spec holds at its gate must not fail by the breaker's clock (10 s by default):
          # on a loaded machine the spec may reach its gate later than that
          circuit-breaker.call-timeout = 600s
        }
        akka.persistence.snapshot-store.plugin = "akka.persistence.no-snapshot-store"
        """;

    protected override async Task<IImmutableList<Exception?>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
    {
        var writes = messages.ToList();
        await _gate.PassAsync().ConfigureAwait(false);
        foreach (var write in writes)
        {
            foreach (var message in (IImmutableList<IPersistentRepresentation>)write.Payload)
                _gate.Events.GetOrAdd(message.PersistenceId, _ => []).Add(message);
        }
        return writes.Select(_ => (Exception?)null).ToImmutableList();
    }

    protected override Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken) =>
        throw new NotSupportedException("vertex entities never delete");

    public override Task ReplayMessagesAsync(IActorContext context, string persistenceId, long fromSequenceNr, long toSequenceNr, long max, Action<IPersistentRepresentation> recoveryCallback)
    {
        foreach (var message in _gate.Stored(persistenceId).Where(m => m.SequenceNr >= fromSequenceNr && m.SequenceNr <= toSequenceNr).Take((int)Math.Min(max, int.MaxValue)))
            recoveryCallback(message);
        return Task.CompletedTask;
    }

    public override Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken) =>
        Task.FromResult(_gate.Stored(persistenceId).Select(m => m.SequenceNr).DefaultIfEmpty(0).Max());
}

/// <summary>Where <see cref="GatedJournal"/> writes wait, and what they stored.</summary>
internal sealed class JournalGate
{
    private static readonly ConcurrentDictionary<string, JournalGate> Gates = new();
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Exception? _failure;
    private int _waiting;

    private JournalGate(string id)
    {
        Id = id;
    }

    public string Id { get; }

    public ConcurrentDictionary<string, ConcurrentBag<IPersistentRepresentation>> Events { get; } = new();

    /// <summary>Writes waiting at the closed gate right now.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    public static JournalGate Closed() => Gates.GetOrAdd(Guid.NewGuid().ToString("N"), id => new JournalGate(id));

    public static JournalGate Get(string id) => Gates[id];

    /// <summary>Lets every waiting and later write through.</summary>
    public void Open() => _open.TrySetResult();

    /// <summary>Every waiting and later write fails.</summary>
    public void Fail(Exception failure)
    {
        _failure = failure;
        _open.TrySetResult();
    }

    public IReadOnlyList<IPersistentRepresentation> Stored(string persistenceId) =>
        Events.TryGetValue(persistenceId, out var events) ? [.. events.OrderBy(e => e.SequenceNr)] : [];

    internal async Task PassAsync()
    {
        Interlocked.Increment(ref _waiting);
        try
        {
            await _open.Task.ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
        if (_failure is not null)
            throw _failure;
    }
}
