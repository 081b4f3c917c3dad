using Akka.Actor;
using Akka.Persistence;
using Img.Messages.Vertices.Commands;
using Img.Messages.Vertices.Events;

namespace Img.Coordinator.Vertices;

/// <summary>
/// <see cref="ForgetVertex"/>: <c>img prune</c> deletes a key's cache record through its entity, so
/// the entity's answer and the journal agree (a record deleted behind the entity's back would
/// still be answered from memory in a long-lived coordinator).
/// </summary>
public sealed partial class VertexEntityActor
{
    private readonly List<IActorRef> _forgetting = [];

    /// <summary>Handles <see cref="ForgetVertex"/> and the journal's answers to its delete; false for any other message.</summary>
    private bool OnForgetCommand(object message)
    {
        switch (message)
        {
            case ForgetVertex:
                Forget();
                return true;
            case DeleteMessagesSuccess:
                AnswerForgetting(true, "");
                return true;
            case DeleteMessagesFailure failure:
                AnswerForgetting(false, failure.Cause.Message);
                return true;
            default:
                return false;
        }
    }

    private void Forget()
    {
        if (_execution is not null)
        {
            // a build is waiting for this key's result: its record is not pruned from under it
            Sender.Tell(new VertexForgotten(_key, false, "the vertex is running"));
            return;
        }
        // no build gets this result from now on, even before the journal confirms the delete
        _result = null;
        _forgetting.Add(Sender);
        if (_forgetting.Count > 1)
            return;
        // Records are written after the answer (PersistAsync): delete once the pending writes are
        // in, or a record still on its way to the journal would outlive the prune.
        DeferAsync(_key, _ =>
        {
            if (LastSequenceNr == 0)
                AnswerForgetting(true, "");
            else
                DeleteMessages(LastSequenceNr);
        });
    }

    private void AnswerForgetting(bool forgotten, string error)
    {
        foreach (var requester in _forgetting)
            requester.Tell(new VertexForgotten(_key, forgotten, error));
        _forgetting.Clear();
    }
}
