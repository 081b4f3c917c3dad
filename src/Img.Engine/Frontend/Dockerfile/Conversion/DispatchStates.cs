using Img.Engine.Frontend.Dockerfile.Instructions;

namespace Img.Engine.Frontend.Dockerfile.Conversion;

/// <summary>All stages in order, and the named ones by lower-cased name.</summary>
internal sealed class DispatchStates
{
    private readonly Dictionary<string, DispatchState> _byName = new(StringComparer.Ordinal);

    public List<DispatchState> States { get; } = new();

    public void Add(DispatchState state)
    {
        States.Add(state);
        if (_byName.TryGetValue(state.BaseName.ToLowerInvariant(), out var baseState))
            state.Base = baseState;
        if (state.Name.Length > 0)
            _byName[state.Name.ToLowerInvariant()] = state;
    }

    public DispatchState? FindByName(string name) => _byName.GetValueOrDefault(name.ToLowerInvariant());

    public DispatchState FindByIndex(int index)
    {
        if (index < 0 || index >= States.Count)
            throw new InstructionException($"invalid stage index {index}");
        return States[index];
    }

    public IReadOnlyList<string> Names() => States.Where(s => s.StageName.Length > 0).Select(s => s.StageName).ToArray();
}
