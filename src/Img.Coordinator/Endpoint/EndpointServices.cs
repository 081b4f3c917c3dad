using Akka.Actor;
using Img.Coordinator.Scheduling;
using Img.Engine.Content;

namespace Img.Coordinator.Endpoint;

/// <summary>What a client connection on the coordinator works with.</summary>
/// <param name="Coordinator">This coordinator's name, reported to clients.</param>
/// <param name="Content">The coordinator's content store: context files and listings clients upload.</param>
/// <param name="Peers">HTTP to the nodes' blob servers (mutual TLS in a secured cluster).</param>
/// <param name="Enrollment">Answers joining members (certificates on a secured cluster).</param>
/// <param name="ImageConfigs">Base image configs for clients converting Dockerfiles.</param>
public sealed record EndpointServices(
    string Coordinator,
    IActorRef Builds,
    IActorRef Scheduler,
    IActorRef Cache,
    IContentStore Content,
    NodeDirectory Nodes,
    HttpClient Peers,
    IMemberEnrollment Enrollment,
    ImageConfigCache ImageConfigs);
