using Img.Messages.Client;

namespace Img.Coordinator.Endpoint;

/// <summary>Answers <see cref="EnrollMember"/>: a certificate for the joiner and the addresses to join.</summary>
public interface IMemberEnrollment
{
    Task<MemberEnrolled> EnrollAsync(EnrollMember request, CancellationToken cancellationToken);
}
