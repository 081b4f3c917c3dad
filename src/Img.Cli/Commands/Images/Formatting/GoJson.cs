using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Img.Cli.Commands.Images.Formatting;

/// <summary>
/// encoding/json for <see cref="GoValue"/>s, without HTML escaping as docker's <c>json</c>
/// template function and <c>inspect</c> print it.
/// </summary>
public static class GoJson
{
    /// <summary>One line, as the <c>json</c> template function prints.</summary>
    public static string Serialize(GoValue value) => Write(value, indented: false);

    /// <summary>Indented by four spaces, as <c>docker inspect</c> prints.</summary>
    public static string SerializeIndented(GoValue value) => Write(value, indented: true);

    private static string Write(GoValue value, bool indented)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions
               {
                   Indented = indented,
                   IndentSize = 4,
                   Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
               }))
        {
            value.WriteJson(writer);
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
