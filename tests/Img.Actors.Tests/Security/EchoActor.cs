using System.Collections.Concurrent;
using Akka.Actor;

namespace Img.Actors.Tests.Security;

/// <summary>Answers every string with "echo:" + it, and remembers every message it got.</summary>
public sealed class EchoActor : ReceiveActor
{
    public const string Name = "echo";

    public EchoActor(ConcurrentQueue<object> received)
    {
        ReceiveAny(message =>
        {
            received.Enqueue(message);
            if (message is string text)
                Sender.Tell("echo:" + text);
        });
    }

    public static Props Props(ConcurrentQueue<object> received) => Akka.Actor.Props.Create(() => new EchoActor(received));
}
