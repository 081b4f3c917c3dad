namespace Img.Engine.Graph;

/// <summary>
/// The network a RUN step sees (<c>RUN --network</c>, <c>--network</c> of img build): the op
/// records it, and the runtime applies it (<c>Default</c> is the host's network, as in BuildKit
/// without an extra network provider; <c>None</c> a new namespace with loopback only).
/// </summary>
public enum NetworkMode { Default, None, Host }
