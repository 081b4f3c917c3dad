using Img.Engine.Frontend.Dockerfile.Instructions;

namespace Img.Engine.Frontend.Dockerfile.Conversion;

/// <summary>
/// An instruction of a stage with the stages it reads (COPY --from, RUN --mount from=), one
/// entry per source (null where none). ONBUILD triggers run first and are flagged.
/// </summary>
internal sealed record StageCommand(Instruction Instruction, IReadOnlyList<DispatchState?> Sources, bool IsOnBuild = false);
