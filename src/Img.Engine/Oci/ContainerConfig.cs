using System.Text.Json.Serialization;

namespace Img.Engine.Oci;

/// <summary>
/// The runtime defaults of an image (the <c>config</c> object of an image config), with the
/// Docker extensions BuildKit writes (Healthcheck, OnBuild, Shell, ArgsEscaped).
/// Maps keep insertion-independent ordering by being sorted when serialised.
/// </summary>
public sealed record ContainerConfig
{
    [JsonPropertyName("User"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? User { get; init; }
    [JsonPropertyName("ExposedPorts"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, EmptyObject>? ExposedPorts { get; init; }
    [JsonPropertyName("Env"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Env { get; init; }
    [JsonPropertyName("Entrypoint"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Entrypoint { get; init; }
    [JsonPropertyName("Cmd"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Cmd { get; init; }
    [JsonPropertyName("Volumes"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, EmptyObject>? Volumes { get; init; }
    [JsonPropertyName("WorkingDir"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? WorkingDir { get; init; }
    [JsonPropertyName("Labels"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string>? Labels { get; init; }
    [JsonPropertyName("StopSignal"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? StopSignal { get; init; }
    [JsonPropertyName("ArgsEscaped"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool ArgsEscaped { get; init; }
    [JsonPropertyName("Healthcheck"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public HealthConfig? Healthcheck { get; init; }
    [JsonPropertyName("OnBuild"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? OnBuild { get; init; }
    [JsonPropertyName("Shell"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Shell { get; init; }
}
