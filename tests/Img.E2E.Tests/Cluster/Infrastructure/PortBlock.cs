using System.Net;
using System.Net.Sockets;

namespace Img.E2E.Tests.Cluster.Infrastructure;

/// <summary>
/// Consecutive free loopback ports for a coordinator (clients on PORT, members on PORT+1, blobs on
/// PORT+2). They are taken below Linux's ephemeral range (32768 and up), so no process binding
/// port 0 (a node's Akka or blob port, a client's socket) lands on a coordinator's port while the
/// coordinator is down between a kill and its restart on the same ports.
/// </summary>
public static class PortBlock
{
    private const int Low = 20000;
    private const int High = 32000;

    public static int Next(int count = 3)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var first = Random.Shared.Next(Low, High - count);
            if (Enumerable.Range(first, count).All(IsFree))
                return first;
        }
        throw new InvalidOperationException($"no {count} consecutive free ports between {Low} and {High} on 127.0.0.1");
    }

    private static bool IsFree(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
